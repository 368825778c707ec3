"""Satisfaction figures for supervisors and admins (what reports read)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_supervisor, parts_of
from chatserver.api.routes import SUPERVISORS, Route, add, instant, integer
from chatserver.commands.base import parse
from chatserver.commands.ratings import RatingSummaryQuery


async def rating_summary(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, "只有主管或管理员可以查看满意度统计")
    query = request.query
    command = parse(
        RatingSummaryQuery,
        {"start": query.get("from"), "end": query.get("to"), "agent_id": query.get("agent_id")},
    )
    summary = await parts_of(request).ratings.summary(
        actor.shop.id, start=command.start, end=command.end, agent_id=command.agent_id
    )
    return web.json_response(summary)


def add_routes(app: web.Application) -> None:
    add(
        app,
        "满意度",
        [
            Route(
                "GET",
                "/api/ratings/summary",
                rating_summary,
                "满意度统计",
                SUPERVISORS,
                query=(instant("from"), instant("to"), integer("agent_id")),
            )
        ],
    )

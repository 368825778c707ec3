"""The shop's complaints for supervisors and admins (the open list, filtered by level and status).

Opening, editing, escalating and settling are `/agent` events (docs/protocol.md)."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.api.common import current_agent, parts_of
from chatserver.commands.base import parse
from chatserver.commands.complaints import ComplaintListQuery
from chatserver.errors import AppError


async def list_complaints(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    # The role first: a plain agent learns nothing from validation.
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以查看投诉列表")
    query = parse(
        ComplaintListQuery,
        {"status": request.query.get("status", "open"), "level": request.query.get("level")},
    )
    items = await parts_of(request).complaint_views.list_for_shop(
        actor.shop.id, status=query.status, level=query.level
    )
    return web.json_response({"items": items})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/complaints", list_complaints)

"""Shift handover summaries (交接记录): the next shift reads and dismisses them; supervisors
and admins read the list. Writing one is the `end_shift` event of /agent."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.api.common import current_agent, parts_of, path_id
from chatserver.api.routes import STAFF, SUPERVISORS, Route, add
from chatserver.errors import AppError
from chatserver.views.schemas import Items, Ok


async def unread(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    items = await parts_of(request).shift_views.unread_for(actor.agent.id, actor.shop.id)
    return web.json_response({"items": items})


async def list_all(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以查看全部交接记录")
    return web.json_response(
        {"items": await parts_of(request).shift_views.list_for_shop(actor.shop.id)}
    )


async def dismiss(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    await parts_of(request).shifts.do_dismiss(actor, path_id(request, "summary_id"))
    return web.json_response({"ok": True})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "交接记录",
        [
            Route(
                "GET",
                "/api/shift-handovers/unread",
                unread,
                "未读的交接记录",
                STAFF,
                response=Items,
            ),
            Route(
                "GET", "/api/shift-handovers", list_all, "全部交接记录", SUPERVISORS, response=Items
            ),
            Route(
                "POST",
                "/api/shift-handovers/{summary_id}/dismiss",
                dismiss,
                "已读交接记录",
                STAFF,
                response=Ok,
            ),
        ],
    )

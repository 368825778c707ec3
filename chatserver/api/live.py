"""The supervisors' live view over REST: the board on page load and the audit list. Updates
then come over /supervisor (`live`, `audit`)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_supervisor, parts_of
from chatserver.api.routes import SUPERVISORS, Route, add
from chatserver.views.schemas import Items

REFUSAL = "只有主管或管理员可以使用实时监控"


async def get_board(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, REFUSAL)
    return web.json_response(await parts_of(request).supervision_views.board(actor.shop.id))


async def get_audit(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, REFUSAL)
    items = await parts_of(request).supervision_views.audit(actor.shop.id)
    return web.json_response({"items": items})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "实时监控",
        [
            Route(
                "GET",
                "/api/live",
                get_board,
                "实时监控面板：各组排队、客服负载与会话时钟",
                SUPERVISORS,
                description="之后的变化通过 /supervisor 命名空间的 live 事件推送。",
            ),
            Route(
                "GET",
                "/api/live/audit",
                get_audit,
                "主管操作记录（最近 50 条）",
                SUPERVISORS,
                response=Items,
            ),
        ],
    )

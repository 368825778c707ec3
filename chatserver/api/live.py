"""The supervisors' live view over REST: the board on page load and the audit list. Updates
then come over /supervisor (`live`, `audit`)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_supervisor, parts_of

REFUSAL = "只有主管或管理员可以使用实时监控"


async def get_board(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, REFUSAL)
    return web.json_response(await parts_of(request).supervision_views.board(actor.shop.id))


async def get_audit(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, REFUSAL)
    items = await parts_of(request).supervision_views.audit(actor.shop.id)
    return web.json_response({"items": items})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/live", get_board)
    app.router.add_get("/api/live/audit", get_audit)

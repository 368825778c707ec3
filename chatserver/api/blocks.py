"""The block list (拒访客户清单) for supervisors and admins: read it, unblock a shopper.

Blocking is the `block` event of /agent (any staff member, from the chat they are in)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_supervisor, parts_of, path_id
from chatserver.api.routes import SUPERVISORS, Route, add
from chatserver.views.schemas import Items


async def list_blocks(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, "只有主管或管理员可以查看拒访名单")
    items = await parts_of(request).block_views.list_for_shop(actor.shop.id)
    return web.json_response({"items": items})


async def unblock(request: web.Request) -> web.Response:
    # The role first (inside the action too): a plain agent learns nothing about ids.
    actor = await current_supervisor(request, "只有主管或管理员可以解除拉黑")
    block_id = path_id(request, "block_id")
    return web.json_response(await parts_of(request).blocks.do_unblock(actor, block_id))


def add_routes(app: web.Application) -> None:
    add(
        app,
        "拒访名单",
        [
            Route("GET", "/api/blocks", list_blocks, "拒访名单", SUPERVISORS, response=Items),
            Route("DELETE", "/api/blocks/{block_id}", unblock, "解除拉黑", SUPERVISORS),
        ],
    )

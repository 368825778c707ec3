"""Reading conversations and shoppers' histories for the agent panel."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, parts_of, path_id


async def conversation_detail(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    detail = await parts_of(request).conversations.detail(
        actor.shop.id, path_id(request, "conversation_id")
    )
    return web.json_response(detail)


async def visitor_history(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    items = await parts_of(request).conversations.history_of_visitor(
        actor.shop.id, path_id(request, "visitor_id")
    )
    return web.json_response({"items": items})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/conversations/{conversation_id}", conversation_detail)
    app.router.add_get("/api/visitors/{visitor_id}/conversations", visitor_history)

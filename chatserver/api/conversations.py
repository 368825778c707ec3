"""Reading conversations and shoppers' histories for the agent panel."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, parts_of, path_id
from chatserver.api.routes import STAFF, Route, add
from chatserver.views.schemas import ConversationDetail, ConversationHistory


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
    add(
        app,
        "会话",
        [
            Route(
                "GET",
                "/api/conversations/{conversation_id}",
                conversation_detail,
                "会话详情（消息、备注、评价、投诉）",
                STAFF,
                response=ConversationDetail,
            ),
            Route(
                "GET",
                "/api/visitors/{visitor_id}/conversations",
                visitor_history,
                "顾客的历史会话",
                STAFF,
                response=ConversationHistory,
            ),
        ],
    )

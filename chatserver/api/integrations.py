"""REST for the shop's own systems (API key with the scope, or a supervisor's or admin's
session): conversations, transcripts, and posting a message into a chat."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import bearer_token, json_body, parts_of, path_id
from chatserver.api.routes import Param, Route, add, api_key, choice, instant, integer
from chatserver.commands.base import parse
from chatserver.commands.integrations import ConversationQuery, PostIntegrationMessage
from chatserver.domain.states import ALLOWED as STATUSES
from chatserver.views.integrations import transcript_text
from chatserver.views.schemas import ConversationPage, PostedMessage, Transcript


async def list_conversations(request: web.Request) -> web.Response:
    parts = parts_of(request)
    caller = await parts.api_keys.authorize(bearer_token(request), "conversations:read")
    raw = dict(request.query)
    # `from` and `to` are Python keywords: the command names them created_from/created_to.
    raw["created_from"] = raw.pop("from", "")
    raw["created_to"] = raw.pop("to", "")
    query = parse(ConversationQuery, raw)
    return web.json_response(await parts.integration_views.conversations(caller.shop.id, query))


async def transcript(request: web.Request) -> web.Response:
    parts = parts_of(request)
    caller = await parts.api_keys.authorize(bearer_token(request), "conversations:read")
    chat = await parts.integration_views.transcript(
        caller.shop.id, path_id(request, "conversation_id")
    )
    if request.query.get("format") == "text":
        return web.Response(
            text=transcript_text(chat["conversation"], chat["messages"]),
            content_type="text/plain",
            charset="utf-8",
        )
    return web.json_response(chat)


async def post_message(request: web.Request) -> web.Response:
    parts = parts_of(request)
    caller = await parts.api_keys.authorize(bearer_token(request), "messages:write")
    conversation_id = path_id(request, "conversation_id")
    command = parse(PostIntegrationMessage, await json_body(request))
    message = await parts.integration_messages.do_post(caller, conversation_id, command)
    return web.json_response({"message": message})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "集成接口",
        [
            Route(
                "GET",
                "/api/integrations/conversations",
                list_conversations,
                "会话列表（筛选、分页）",
                api_key("conversations:read"),
                query=(
                    choice("status", STATUSES),
                    integer("agent_id", "接待的客服"),
                    Param("flag", {"type": "string"}, "颜色标记，或 none（无标记）"),
                    instant("from", "会话开始时间下限（含）"),
                    instant("to", "会话开始时间上限（不含）"),
                    integer("limit", "1-100，默认 50", high=100),
                    integer("cursor", "上一页的 next_cursor"),
                ),
                response=ConversationPage,
            ),
            Route(
                "GET",
                "/api/integrations/conversations/{conversation_id}/transcript",
                transcript,
                "会话记录（JSON 或纯文本）",
                api_key("conversations:read"),
                query=(choice("format", ("json", "text"), "text：纯文本"),),
                response=Transcript,
                files=("text",),
            ),
            Route(
                "POST",
                "/api/integrations/conversations/{conversation_id}/messages",
                post_message,
                "向会话发送系统通知或客服消息",
                api_key("messages:write"),
                body=PostIntegrationMessage,
                response=PostedMessage,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
        ],
    )

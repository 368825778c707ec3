"""Conversations as the shop's own systems read them: filtered pages and transcripts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.commands.integrations import ConversationQuery
from chatserver.db.engine import Database
from chatserver.db.models import Conversation
from chatserver.db.records import messages_of
from chatserver.errors import AppError
from chatserver.views.conversations import conversation_view
from chatserver.views.wire import message_dict

SENDER_TEXT = {"visitor": "顾客", "bot": "机器人", "agent": "客服", "system": "系统"}


def transcript_text(conversation: dict[str, Any], messages: list[dict[str, Any]]) -> str:
    """One line per message, times in UTC; what a person typed is copied as is (plain text)."""
    lines = [
        f"会话 #{conversation['id']}（{conversation['shop']['name']}）",
        f"顾客：{conversation['visitor']['name']}",
        f"状态：{conversation['status']}",
        "时间均为 UTC",
        "",
    ]
    for message in messages:
        when = str(message["created_at"] or "").replace("T", " ").split(".")[0].rstrip("Z")
        who = SENDER_TEXT.get(message["sender"], message["sender"])
        lines.append(f"[{when}] {message['sender_name']}（{who}）：{message['text']}")
    return "\n".join(lines) + "\n"


class IntegrationViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def conversations(self, shop_id: int, query: ConversationQuery) -> dict[str, Any]:
        statement = select(Conversation).where(Conversation.shop_id == shop_id)
        if query.status is not None:
            statement = statement.where(Conversation.status == query.status)
        if query.agent_id is not None:
            statement = statement.where(Conversation.agent_id == query.agent_id)
        if query.flag == "none":
            statement = statement.where(Conversation.flag.is_(None))
        elif query.flag is not None:
            statement = statement.where(Conversation.flag == query.flag)
        if query.created_from is not None:
            statement = statement.where(Conversation.created_at >= query.created_from)
        if query.created_to is not None:
            statement = statement.where(Conversation.created_at < query.created_to)
        if query.cursor is not None:
            statement = statement.where(Conversation.id < query.cursor)
        async with self.db.sessions() as session:
            rows = list(
                await session.scalars(
                    statement.order_by(Conversation.id.desc()).limit(query.limit + 1)
                )
            )
            page = rows[: query.limit]
            items = [await conversation_view(session, row) for row in page]
        more = len(rows) > query.limit
        return {"items": items, "next_cursor": page[-1].id if more and page else None}

    async def transcript(self, shop_id: int, conversation_id: int) -> dict[str, Any]:
        async with self.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.shop_id != shop_id:
                raise AppError("not_found", "会话不存在")
            return {
                "conversation": await conversation_view(session, conversation),
                "messages": [message_dict(m) for m in await messages_of(session, conversation.id)],
            }

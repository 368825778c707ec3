"""Conversations as the agent panel and the shopper's widget read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Group, Message, Shop, Visitor, utcnow
from chatserver.db.records import last_message_of, messages_of
from chatserver.domain import states
from chatserver.errors import AppError
from chatserver.views.complaints import complaints_of
from chatserver.views.handovers import current_handover, group_brief
from chatserver.views.notes import notes_of
from chatserver.views.ratings import ratings_of
from chatserver.views.sla import sla_dict
from chatserver.views.wire import conversation_dict, message_dict, read_marks

ChatWithMessages = dict[str, Any]


async def conversation_view(session: AsyncSession, conversation: Conversation) -> dict[str, Any]:
    shop = await session.get_one(Shop, conversation.shop_id)
    visitor = await session.get_one(Visitor, conversation.visitor_id)
    agent = await session.get(Agent, conversation.agent_id) if conversation.agent_id else None
    last = await last_message_of(session, conversation.id)
    group = await session.get(Group, conversation.group_id) if conversation.group_id else None
    view = conversation_dict(
        conversation, shop=shop, visitor=visitor, agent=agent, last_message=last
    )
    # Staff only, like the rest of this shape: the group serving it and the note handed over.
    view["group"] = group_brief(group)
    view["handover"] = await current_handover(session, conversation)
    # The SLA clocks as of now: the panel ticks them on from here.
    view["sla"] = await sla_dict(session, conversation, utcnow())
    return view


async def with_messages(session: AsyncSession, conversation: Conversation) -> ChatWithMessages:
    """A chat as the agent panel gets it: the conversation, its history and its ratings."""
    return {
        "conversation": await conversation_view(session, conversation),
        "messages": [message_dict(m) for m in await messages_of(session, conversation.id)],
        # Staff only: this shape goes to agents, never into the shopper's session.
        "notes": await notes_of(session, conversation.id),
        "complaints": await complaints_of(session, conversation.id),
        "ratings": (await ratings_of(session, [conversation.id]))[conversation.id],
        "read": read_marks(conversation),
    }


class ConversationViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def detail(self, shop_id: int, conversation_id: int) -> ChatWithMessages:
        """One conversation of the shop with its full history; not_found for another shop's."""
        async with self.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.shop_id != shop_id:
                raise AppError("not_found", "会话不存在")
            return await with_messages(session, conversation)

    async def history_of_visitor(self, shop_id: int, visitor_id: int) -> list[ChatWithMessages]:
        """The shopper's last 20 conversations, newest first."""
        async with self.db.sessions() as session:
            visitor = await session.get(Visitor, visitor_id)
            if visitor is None or visitor.shop_id != shop_id:
                raise AppError("not_found", "顾客不存在")
            conversations = await session.scalars(
                select(Conversation)
                .where(Conversation.visitor_id == visitor_id)
                .order_by(Conversation.id.desc())
                .limit(20)
            )
            return [await with_messages(session, c) for c in conversations]

    async def open_chats(self, agent_id: int) -> list[ChatWithMessages]:
        """Every open chat of an agent with its full history: the catch-up after a reconnect."""
        async with self.db.sessions() as session:
            conversations = await session.scalars(
                select(Conversation)
                .where(Conversation.agent_id == agent_id, Conversation.status == states.ASSIGNED)
                .order_by(Conversation.assigned_at)
            )
            return [await with_messages(session, c) for c in conversations]

    async def last_visitor_text(self, conversation_id: int) -> str | None:
        async with self.db.sessions() as session:
            return await session.scalar(
                select(Message.text)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.sender == "visitor",
                    Message.kind == "text",
                )
                .order_by(Message.seq.desc())
                .limit(1)
            )

"""The conversation use cases shoppers and agents trigger: open, send, hand off, close.

This service owns the bot → queued, → closed and closed → bot changes; services/queue.py owns
assignment. Every change is one transaction plus one event row; clients hear of it after commit.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chatserver.db.models import Agent, Conversation, Message, Shop, Visitor, utcnow
from chatserver.domain import sla, states
from chatserver.domain.greeting import render_greeting
from chatserver.domain.text import clean_client_id, clean_text
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent, new_token
from chatserver.services.records import (
    append_message,
    find_by_client_id,
    last_message_of,
    lock_conversation,
    messages_of,
    record_event,
    transition,
)
from chatserver.services.serialize import agent_brief, conversation_dict, message_dict

if TYPE_CHECKING:
    from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

BOT_NAME = "智能助手"
SYSTEM_NAME = "系统"
FAREWELL = (
    "本次服务已结束，感谢您的耐心与支持！如果还有任何问题，随时给我们留言，期待再次为您服务。"
)
HANDOFF_NOTICE = "好的，正在为您转接人工客服，请稍候，客服接入后会第一时间回复您。"
COMPLAINT_NOTICE = "非常抱歉给您带来不好的体验，已为您优先转接人工客服，我们会尽快为您处理。"


@dataclass(frozen=True)
class VisitorContext:
    shop_id: int
    visitor_id: int
    conversation_id: int


def _visitor_display_name() -> str:
    return f"访客 {secrets.token_hex(2).upper()}"


class ConversationService:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._background: set[asyncio.Task[Any]] = set()

    # ---- reading -------------------------------------------------------------------------

    async def view(self, session: Any, conversation: Conversation) -> dict[str, Any]:
        shop = await session.get_one(Shop, conversation.shop_id)
        visitor = await session.get_one(Visitor, conversation.visitor_id)
        agent = await session.get(Agent, conversation.agent_id) if conversation.agent_id else None
        last = await last_message_of(session, conversation.id)
        return conversation_dict(
            conversation, shop=shop, visitor=visitor, agent=agent, last_message=last
        )

    async def detail_for_agent(
        self, actor: AuthenticatedAgent, conversation_id: int
    ) -> dict[str, Any]:
        async with self.hub.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.shop_id != actor.shop.id:
                raise AppError("not_found", "会话不存在")
            return {
                "conversation": await self.view(session, conversation),
                "messages": [message_dict(m) for m in await messages_of(session, conversation.id)],
            }

    async def history_of_visitor(
        self, actor: AuthenticatedAgent, visitor_id: int
    ) -> list[dict[str, Any]]:
        async with self.hub.db.sessions() as session:
            visitor = await session.get(Visitor, visitor_id)
            if visitor is None or visitor.shop_id != actor.shop.id:
                raise AppError("not_found", "顾客不存在")
            conversations = await session.scalars(
                select(Conversation)
                .where(Conversation.visitor_id == visitor_id)
                .order_by(Conversation.id.desc())
                .limit(20)
            )
            items = []
            for conversation in conversations:
                items.append(
                    {
                        "conversation": await self.view(session, conversation),
                        "messages": [
                            message_dict(m) for m in await messages_of(session, conversation.id)
                        ],
                    }
                )
            return items

    # ---- shopper side --------------------------------------------------------------------

    async def open_visitor_session(self, shop_slug: Any, token: Any) -> tuple[str, VisitorContext]:
        """Resume the shopper's conversation for a valid token; otherwise greet a new shopper.

        Returns the token to keep and the context; the caller joins the conversation's room
        and only then reads `session_snapshot`, so nothing sent in between is missed.
        """
        slug = shop_slug if isinstance(shop_slug, str) and shop_slug else self.hub.demo_shop
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            shop = await session.scalar(select(Shop).where(Shop.slug == slug))
            if shop is None:
                raise AppError("not_found", f"店铺 {slug} 不存在")
            visitor = None
            if isinstance(token, str) and 0 < len(token) <= 200:
                visitor = await session.scalar(
                    select(Visitor).where(Visitor.token_hash == self.hub.auth.digest(token))
                )
                if visitor is not None and visitor.shop_id != shop.id:
                    visitor = None
            if visitor is None:
                token = new_token()
                visitor = Visitor(
                    shop_id=shop.id,
                    token_hash=self.hub.auth.digest(token),
                    name=_visitor_display_name(),
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(visitor)
                await session.flush()
            else:
                visitor.last_seen_at = now
            conversation = await session.scalar(
                select(Conversation)
                .where(Conversation.visitor_id == visitor.id)
                .order_by(Conversation.id.desc())
                .limit(1)
            )
            if conversation is None:
                conversation = await self._start_conversation(session, shop, visitor, now)
            assert isinstance(token, str)
            return token, VisitorContext(shop.id, visitor.id, conversation.id)

    async def session_snapshot(self, context: VisitorContext, token: str) -> dict[str, Any]:
        """The `session` event: the conversation as it stands, with its full history."""
        async with self.hub.db.sessions() as session:
            conversation = await session.get_one(Conversation, context.conversation_id)
            shop = await session.get_one(Shop, context.shop_id)
            visitor = await session.get_one(Visitor, context.visitor_id)
            messages = await messages_of(session, conversation.id)
            agent = (
                await session.get(Agent, conversation.agent_id) if conversation.agent_id else None
            )
            payload: dict[str, Any] = {
                "token": token,
                "conversation_id": conversation.id,
                "status": conversation.status,
                "messages": [message_dict(m) for m in messages],
                "agent": agent_brief(agent) if conversation.status == states.ASSIGNED else None,
                "queue": None,
                "shop": {"slug": shop.slug, "name": shop.name},
                "visitor": {"id": visitor.id, "name": visitor.name},
            }
        if payload["status"] == states.QUEUED:
            payload["queue"] = await self.hub.queue.position_of(
                context.shop_id, context.conversation_id
            )
        return payload

    async def _start_conversation(
        self, session: Any, shop: Shop, visitor: Visitor, now: datetime
    ) -> Conversation:
        conversation = Conversation(
            shop_id=shop.id,
            visitor_id=visitor.id,
            status=states.BOT,
            created_at=now,
            updated_at=now,
        )
        session.add(conversation)
        await session.flush()
        record_event(
            session,
            conversation,
            type="created",
            now=now,
            actor_type="visitor",
            actor_id=visitor.id,
            to_status=states.BOT,
        )
        await append_message(
            session,
            conversation,
            sender="bot",
            sender_name=BOT_NAME,
            text=render_greeting(shop.greeting_template, shop=shop.name, agent=BOT_NAME),
            meta={"greeting": True},
            now=now,
        )
        return conversation

    async def post_visitor_message(
        self,
        context: VisitorContext,
        payload: Any,
        sid: str | None = None,
        admit: Callable[[], None] = lambda: None,
    ) -> dict[str, Any]:
        """`{message, status}` (the status after this message: a closed chat reopens as bot).

        `admit` runs once the payload is valid; it may refuse (rate limit) by raising.
        """
        if not isinstance(payload, dict):
            raise invalid("消息格式不正确")
        client_id = clean_client_id(payload.get("client_id"))
        text = clean_text(payload.get("text"))
        faq_id = payload.get("faq_id")
        if faq_id is not None and not isinstance(faq_id, str | int):
            raise invalid("faq_id 必须是字符串")
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, context.conversation_id)
            existing = await find_by_client_id(session, conversation.id, client_id)
            if existing is not None:
                if existing.sender != "visitor":
                    raise AppError("conflict", "client_id 已被使用，请换一个")
                return {"message": message_dict(existing), "status": conversation.status}
            admit()  # a resend of a stored message is never rate limited
            if conversation.status == states.CLOSED:
                self._reopen(session, conversation, now)
            visitor = await session.get_one(Visitor, context.visitor_id)
            visitor.last_seen_at = now
            message = await append_message(
                session,
                conversation,
                sender="visitor",
                sender_name=visitor.name,
                text=text,
                client_id=client_id,
                now=now,
            )
            conversation.awaiting_since = sla.on_visitor_message(
                conversation.awaiting_since,
                human_involved=conversation.status in states.HUMAN_STATES,
                now=now,
            )
            status, agent_id, shop_id = (
                conversation.status,
                conversation.agent_id,
                conversation.shop_id,
            )
            wire = message_dict(message)

            async def tell() -> None:
                await self.hub.notifier.to_conversation(
                    conversation.id, "message", wire, skip_sid=sid
                )
                if status == states.ASSIGNED and agent_id is not None:
                    await self.hub.notifier.to_agent(agent_id, "message", wire)
                    await self.hub.queue.send_suggestions(shop_id, agent_id, conversation.id, text)
                elif status == states.QUEUED:
                    await self.hub.queue.broadcast(shop_id)
                elif status == states.BOT:
                    self._spawn(
                        self.hub.bot.respond(
                            conversation.id,
                            text,
                            str(faq_id) if faq_id is not None else None,
                            asked_at=now,
                        )
                    )

            tx.on_commit(tell)
        return {"message": wire, "status": status}

    def _reopen(self, session: Any, conversation: Conversation, now: datetime) -> None:
        transition(
            session, conversation, states.BOT, event="reopened", now=now, actor_type="visitor"
        )
        conversation.agent_id = None
        conversation.priority = 0
        conversation.handoff_reason = None
        conversation.bot_misses = 0
        conversation.awaiting_since = None
        conversation.queued_at = None
        conversation.assigned_at = None
        conversation.first_response_at = None
        conversation.closed_at = None

    async def request_handoff(self, context: VisitorContext) -> dict[str, Any]:
        """The 转人工 button: queue the chat now; the clock starts at the request."""
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            conversation = await lock_conversation(tx.session, context.conversation_id)
            if conversation.status == states.CLOSED:
                self._reopen(tx.session, conversation, now)
            if conversation.status == states.BOT:
                message = await self.move_to_queue(
                    tx.session,
                    conversation,
                    reason="requested",
                    priority=0,
                    now=now,
                    actor_type="visitor",
                    actor_id=context.visitor_id,
                    waiting_since=now,
                )
                wire = message_dict(message)
                tx.on_commit(
                    lambda: self.hub.notifier.to_conversation(conversation.id, "message", wire)
                )
            status = conversation.status
        if status == states.QUEUED:
            await self.hub.queue.dispatch(context.shop_id)
        async with self.hub.db.sessions() as session:
            current = await session.get_one(Conversation, context.conversation_id)
            status = current.status
        queue = (
            await self.hub.queue.position_of(context.shop_id, context.conversation_id)
            if status == states.QUEUED
            else None
        )
        return {"queue": queue, "status": status}

    async def move_to_queue(
        self,
        session: Any,
        conversation: Conversation,
        *,
        reason: str,
        priority: int,
        now: datetime,
        actor_type: str,
        actor_id: int | None,
        waiting_since: datetime,
    ) -> Message:
        """bot → queued, inside the caller's transaction; returns the notice for the shopper."""
        transition(
            session,
            conversation,
            states.QUEUED,
            event="handoff",
            now=now,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=reason,
        )
        conversation.handoff_reason = reason
        conversation.priority = max(conversation.priority, priority)
        conversation.queued_at = now
        conversation.awaiting_since = sla.on_handoff(conversation.awaiting_since, waiting_since)
        return await append_message(
            session,
            conversation,
            sender="bot",
            sender_name=BOT_NAME,
            text=COMPLAINT_NOTICE if reason == "complaint" else HANDOFF_NOTICE,
            kind="event",
            meta={"event": "queued", "reason": reason},
            now=now,
        )

    # ---- agent side ----------------------------------------------------------------------

    async def post_agent_message(
        self,
        actor: AuthenticatedAgent,
        payload: Any,
        sid: str | None = None,
        admit: Callable[[], None] = lambda: None,
    ) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise invalid("消息格式不正确")
        conversation_id = parse_conversation_id(payload.get("conversation_id"))
        client_id = clean_client_id(payload.get("client_id"))
        text = clean_text(payload.get("text"))
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, conversation_id)
            if conversation.shop_id != actor.shop.id:
                raise AppError("not_found", "会话不存在")
            existing = await find_by_client_id(session, conversation.id, client_id)
            if existing is not None:
                if existing.sender != "agent" or existing.agent_id != actor.agent.id:
                    raise AppError("conflict", "client_id 已被使用，请换一个")
                return message_dict(existing)
            admit()
            if conversation.status != states.ASSIGNED or conversation.agent_id != actor.agent.id:
                raise AppError("forbidden", "这不是您正在接待的会话")
            response_ms, conversation.awaiting_since = sla.on_agent_message(
                conversation.awaiting_since, now
            )
            if conversation.first_response_at is None:
                conversation.first_response_at = now
            message = await append_message(
                session,
                conversation,
                sender="agent",
                sender_name=actor.agent.name,
                text=text,
                client_id=client_id,
                agent_id=actor.agent.id,
                response_ms=response_ms,
                now=now,
            )
            wire = message_dict(message)

            async def tell() -> None:
                await self.hub.notifier.to_conversation(conversation_id, "message", wire)
                await self.hub.notifier.to_agent(actor.agent.id, "message", wire, skip_sid=sid)

            tx.on_commit(tell)
        return wire

    async def close(self, actor: AuthenticatedAgent, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise invalid("请求格式不正确")
        conversation_id = parse_conversation_id(payload.get("conversation_id"))
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, conversation_id)
            if conversation.shop_id != actor.shop.id:
                raise AppError("not_found", "会话不存在")
            if conversation.status == states.CLOSED:
                return
            owns = conversation.agent_id == actor.agent.id
            if not owns and actor.agent.role == "agent":
                raise AppError("forbidden", "这不是您正在接待的会话")
            owner_id = conversation.agent_id
            transition(
                session,
                conversation,
                states.CLOSED,
                event="closed",
                now=now,
                actor_type="agent",
                actor_id=actor.agent.id,
                reason="agent",
            )
            conversation.closed_at = now
            conversation.awaiting_since = None
            farewell = await append_message(
                session,
                conversation,
                sender="system",
                sender_name=SYSTEM_NAME,
                text=FAREWELL,
                kind="event",
                meta={"event": "closed"},
                now=now,
            )
            wire = message_dict(farewell)
            shop_id = conversation.shop_id

            async def tell() -> None:
                await self.hub.notifier.to_conversation(conversation_id, "message", wire)
                await self.hub.notifier.to_conversation(
                    conversation_id, "closed", {"reason": "agent"}
                )
                closed = {"conversation_id": conversation_id, "reason": "agent"}
                for agent_id in {owner_id, actor.agent.id} - {None}:
                    await self.hub.notifier.to_agent(agent_id, "message", wire)
                    await self.hub.notifier.to_agent(agent_id, "closed", closed)
                await self.hub.queue.dispatch(shop_id)

            tx.on_commit(tell)

    # ---- background work -----------------------------------------------------------------

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Let bot replies in flight finish (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)


def parse_conversation_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid("conversation_id 必须是整数")
    if isinstance(value, str):
        if not value.isdigit() or len(value) > 18:
            raise invalid("conversation_id 必须是整数")
        value = int(value)
    if not 0 < value < 2**62:
        raise AppError("not_found", "会话不存在")
    return value

"""A shopper or an agent sends a message: stored, ordered, idempotent, then told.

The ack carries the conversation's status after the message. A request for a person or a
complaint is handed off in the same transaction, so 「我要转人工」 is acknowledged as queued;
everything else the bot says comes after the ack, from its listener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.blocks import blocked_reply
from chatserver.actions.checks import check_in_shop, check_owns_chat
from chatserver.actions.closing import reopen
from chatserver.actions.customers import lock_shoppers_chat_and_find_resend, writable_conversation
from chatserver.actions.handoff import request_person
from chatserver.actions.photos import claim_photo, mark_posted, photo_meta
from chatserver.actions.politeness import note_impolite
from chatserver.actions.service_hours import Clock, service_state
from chatserver.actions.visitor_session import VisitorContext
from chatserver.commands.chat import AgentMessage, VisitorMessage
from chatserver.commands.leave_message import LeaveMessage
from chatserver.db.base import Base
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import utcnow
from chatserver.db.records import (
    Chat,
    append_message,
    conversation_object,
    find_by_client_id,
    lock_conversation_and_find_resend,
)
from chatserver.db.webhook_outbox import has_endpoints, note_endpoints
from chatserver.domain import handoff, sla, states
from chatserver.domain.events import MessagePosted
from chatserver.domain.last_seen import worth_recording
from chatserver.domain.leave_message import LEAVE_MESSAGE_REASON, LeaveMessageForm
from chatserver.domain.widget_settings import prechat_missing
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.blocks import ACTIVE_BLOCK_ID, block_by_id
from chatserver.views.wire import message_dict

Admit = Callable[[], None]


def _admit_all() -> None:
    return None


def _conflict() -> AppError:
    return AppError("conflict", "client_id 已被使用，请换一个")


_visitors = Base.metadata.tables["visitors"]
_shops = Base.metadata.tables["shops"]
# Built once, run in Core (every shopper message): docs/benchmarks.md, 2026-12-01.
_SHOPPER_AND_WIDGET_SETTINGS = (
    select(
        _visitors.c.name,
        _visitors.c.context,
        _visitors.c.last_seen_at,
        _visitors.c.shop_id,
        _shops.c.widget_settings,
        ACTIVE_BLOCK_ID.label("block_id"),
        has_endpoints(_shops.c.id).label("webhooks"),
    )
    .join(_shops, _shops.c.id == _visitors.c.shop_id)
    .where(_visitors.c.id == bindparam("visitor_id"))
)
_SEEN = update(_visitors).where(_visitors.c.id == bindparam("visitor_id"))


@dataclass(frozen=True)
class _Shopper:
    name: str
    context: dict[str, Any] | None
    last_seen_at: datetime | None
    widget_settings: dict[str, Any] | None
    block_id: int | None  # views/blocks.py: the shopper's block, if any


async def _shopper_and_widget_settings(tx: Transaction, visitor_id: int) -> _Shopper:
    """The shopper's name, context, when they were last seen and their block, and their
    shop's widget settings (the prechat form's rules), and whether the shop has a webhook
    endpoint (none: the commit need not read them): one query."""
    connection = await tx.session.connection()
    row = (await connection.execute(_SHOPPER_AND_WIDGET_SETTINGS, {"visitor_id": visitor_id})).one()
    note_endpoints(tx, row.shop_id, row.webhooks)
    return _Shopper(row.name, row.context, row.last_seen_at, row.widget_settings, row.block_id)


async def _seen(session: AsyncSession, shopper: _Shopper, visitor_id: int, now: datetime) -> None:
    if worth_recording(shopper.last_seen_at, now):
        connection = await session.connection()
        await connection.execute(_SEEN, {"visitor_id": visitor_id, "last_seen_at": now})


class ChatMessages:
    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def _open(self, tx: Transaction, conversation: Chat, at: datetime) -> bool:
        return (await service_state(tx, conversation, at)).availability.open

    async def do_post_visitor_message(
        self,
        context: VisitorContext,
        command: VisitorMessage,
        *,
        sid: str | None = None,
        admit: Admit = _admit_all,
        admit_blocked: Admit = _admit_all,
        leave: LeaveMessageForm | None = None,
    ) -> dict[str, Any]:
        """`{message, status}`. `admit` may refuse a new message (rate limit) by raising, and
        `admit_blocked` a blocked shopper's with its tighter limit; a resend of a stored one is
        always answered. A blocked shopper's message is stored and answered by the fixed reply
        only: the chat stays closed, and neither the bot nor the queue hears it. `leave`: the
        message is a 留言 (`do_leave_message`), queued whatever the hours."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            locked, existing = await lock_shoppers_chat_and_find_resend(
                session, context.conversation_id, command.client_id
            )
            # The locked row, or the ORM object once a rare branch needed one.
            chat: Chat = locked
            if locked.status == states.CLOSED:
                chat = await writable_conversation(
                    session, await conversation_object(session, locked)
                )
                if existing is None and chat.id != locked.id:
                    existing = await find_by_client_id(session, chat.id, command.client_id)
            if existing is not None:
                if existing.sender != "visitor":
                    raise _conflict()
                return {"message": message_dict(existing), "status": chat.status}
            # The chat's shopper: the customer once this device's chat was merged into theirs.
            visitor_id = chat.visitor_id
            shopper = await _shopper_and_widget_settings(tx, visitor_id)
            if leave is None:
                refusal = prechat_missing(shopper.widget_settings, shopper.context)
                if refusal is not None:
                    raise refusal
            admit()
            block = await block_by_id(session, shopper.block_id)
            if block is not None:
                admit_blocked()
            elif chat.status == states.CLOSED:
                conversation = await conversation_object(session, chat)
                reopen(tx, conversation, now)
                chat = conversation
            photo = (
                await claim_photo(
                    session, chat, command.attachment_id, by="visitor", who=visitor_id
                )
                if command.attachment_id is not None and command.kind == "image"
                else None
            )
            # The shopper's row after the chat's, as routing takes them (docs/architecture.md).
            await _seen(session, shopper, visitor_id, now)
            message = await append_message(
                session,
                chat,
                sender="visitor",
                sender_name=shopper.name,
                text=command.text,
                kind=command.kind,
                meta=photo_meta(photo)
                if photo
                else leave.meta()
                if leave
                else {"card": command.card}
                if command.card
                else None,
                client_id=command.client_id,
                now=now,
                awaiting_since=sla.on_visitor_message(
                    chat.awaiting_since,
                    human_involved=chat.status in states.HUMAN_STATES,
                    now=now,
                ),
            )
            if photo is not None:
                mark_posted(photo, message)
            wire = message_dict(message)
            wants_person = None
            if chat.status == states.BOT and command.faq_id is None and block is None:
                # A photo is for a person to look at (the FAQ asks for photos "发给客服"); a
                # 留言 waits in the queue for the next shift.
                wants_person = (
                    handoff.left_message(leave.text)
                    if leave
                    else handoff.photo_sent()
                    if photo
                    else handoff.explicit_request(command.text)
                )
            elif leave and block is None and chat.status == states.QUEUED:
                conversation = await conversation_object(session, chat)
                conversation.handoff_reason = LEAVE_MESSAGE_REASON  # waiting: now marked 留言
                chat = conversation
            at = self.clock()
            if wants_person and not leave and not await self._open(tx, chat, at):
                wants_person = None  # outside hours: the bot's turn offers 留言 instead
            # Recorded before the handoff it causes: listeners hear the words, then the queue.
            tx.record(
                MessagePosted(
                    chat.id,
                    chat.shop_id,
                    message=wire,
                    status=states.QUEUED if wants_person else chat.status,
                    agent_id=chat.agent_id,
                    posted_at=now,
                    origin_sid=sid,
                    faq_id=command.faq_id,
                )
            )
            if block is not None:
                chat = await conversation_object(session, chat)
                await blocked_reply(tx, chat, block, now)
            elif wants_person is not None:
                assert wants_person.reason is not None
                chat = await conversation_object(session, chat)
                await request_person(
                    tx,
                    chat,
                    reason=wants_person.reason,
                    priority=wants_person.priority,
                    now=now,
                    at=at,
                    actor_type="visitor" if leave else "bot",
                    actor_id=visitor_id if leave else None,
                    waiting_since=now,
                )
            status = chat.status
        return {"message": wire, "status": status}

    async def do_leave_message(
        self, context: VisitorContext, command: LeaveMessage, **limits: Any
    ) -> dict[str, Any]:
        """A 留言: stored as the shopper's message with its contact details, and the chat queued
        for the next shift (already waiting: marked 留言; being served: just a message)."""
        form = command.form()
        as_message = VisitorMessage.model_construct(
            client_id=command.client_id, kind="text", attachment_id=None, text=form.as_text()
        )
        return await self.do_post_visitor_message(context, as_message, leave=form, **limits)

    async def do_post_agent_message(
        self,
        actor: AuthenticatedAgent,
        command: AgentMessage,
        *,
        sid: str | None = None,
        admit: Admit = _admit_all,
    ) -> dict[str, Any]:
        """The stored reply; its `response_ms` closes the shopper's response clock."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            locked, existing = await lock_conversation_and_find_resend(
                session, command.conversation_id, command.client_id
            )
            chat = check_in_shop(locked, actor)
            if existing is not None:
                if existing.sender != "agent" or existing.agent_id != actor.agent.id:
                    raise _conflict()
                return message_dict(existing)
            admit()
            check_owns_chat(chat, actor)
            response_ms, awaiting_since = sla.on_agent_message(chat.awaiting_since, now)
            photo = (
                await claim_photo(
                    session, chat, command.attachment_id, by="agent", who=actor.agent.id
                )
                if command.attachment_id is not None and command.kind == "image"
                else None
            )
            message = await append_message(
                session,
                chat,
                sender="agent",
                sender_name=actor.agent.name,
                text=command.text,
                kind=command.kind,
                meta=None if photo is None else photo_meta(photo),
                client_id=command.client_id,
                agent_id=actor.agent.id,
                response_ms=response_ms,
                now=now,
                awaiting_since=awaiting_since,
                first_response_at=chat.first_response_at or now,
            )
            if photo is not None:
                mark_posted(photo, message)
            wire = message_dict(message)
            tx.record(
                MessagePosted(
                    chat.id,
                    chat.shop_id,
                    message=wire,
                    status=chat.status,
                    agent_id=actor.agent.id,
                    posted_at=now,
                    origin_sid=sid,
                    faq_id=command.faq_id,
                )
            )
            note_impolite(tx, chat, actor, wire, now)
        return wire

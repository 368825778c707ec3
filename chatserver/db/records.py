"""Writing a conversation's messages, events and status: the only code that does either.

Every caller holds the conversation row locked (`lock_conversation`) so `seq` cannot repeat,
and every status change goes through `transition`, which enforces domain/states.py and
writes the event row in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from chatserver.db.models import Conversation, ConversationEvent, Message
from chatserver.domain import states
from chatserver.errors import AppError


class _Keyed(Protocol):
    """A mapped table whose primary key is an integer column named id (every table here).
    ClassVar: lock_row reads the column on the class, where it is an SQL expression."""

    id: ClassVar[Mapped[int]]


Row = TypeVar("Row", bound=_Keyed)


async def lock_row(session: AsyncSession, model: type[Row], row_id: int) -> Row | None:
    """The row, re-read and locked until the transaction ends (FOR UPDATE; SQLite's
    transactions are BEGIN IMMEDIATE, which locks the whole database)."""
    return await session.scalar(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lock_conversation_and_find_resend(
    session: AsyncSession, conversation_id: int, client_id: str | None
) -> tuple[Conversation | None, Message | None]:
    """`lock_row` of the conversation, then `find_by_client_id` in it (with a `client_id`).
    Two statements on purpose: PostgreSQL runs a statement's subqueries on the snapshot taken
    before it waited for the row lock, so a resend read together with the lock would miss the
    message that the lock's holder, its first attempt, stored."""
    conversation = await lock_row(session, Conversation, conversation_id)
    if conversation is None or client_id is None:
        return conversation, None
    return conversation, await find_by_client_id(session, conversation_id, client_id)


async def lock_conversation(session: AsyncSession, conversation_id: int) -> Conversation:
    conversation = await lock_row(session, Conversation, conversation_id)
    if conversation is None:
        raise AppError("not_found", "会话不存在")
    return conversation


def transition(
    session: AsyncSession,
    conversation: Conversation,
    to_status: str,
    *,
    event: str,
    now: datetime,
    actor_type: str,
    actor_id: int | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> ConversationEvent:
    """Move a locked conversation to `to_status` and record who did it, when and why.
    Returns the event row (its id is set at the next flush)."""
    from_status = conversation.status
    if not states.can_move(from_status, to_status):
        raise AppError("conflict", f"会话不能从 {from_status} 变为 {to_status}")
    row = record_event(
        session,
        conversation,
        type=event,
        now=now,
        actor_type=actor_type,
        actor_id=actor_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )
    conversation.status = to_status
    conversation.updated_at = now
    return row


async def find_by_client_id(
    session: AsyncSession, conversation_id: int, client_id: str
) -> Message | None:
    return await session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id, Message.client_id == client_id
        )
    )


async def append_message(
    session: AsyncSession,
    conversation: Conversation,
    *,
    sender: str,
    sender_name: str,
    text: str,
    now: datetime,
    kind: str = "text",
    client_id: str | None = None,
    meta: dict[str, Any] | None = None,
    agent_id: int | None = None,
    response_ms: int | None = None,
) -> Message:
    conversation.last_seq += 1
    conversation.updated_at = now
    message = Message(
        conversation_id=conversation.id,
        seq=conversation.last_seq,
        sender=sender,
        sender_name=sender_name,
        text=text,
        kind=kind,
        client_id=client_id,
        meta=meta or {},
        agent_id=agent_id,
        response_ms=response_ms,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message


def record_event(
    session: AsyncSession,
    conversation: Conversation,
    *,
    type: str,
    now: datetime,
    actor_type: str,
    actor_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> ConversationEvent:
    row = ConversationEvent(
        conversation_id=conversation.id,
        type=type,
        from_status=from_status,
        to_status=to_status,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
        data=data or {},
        created_at=now,
    )
    session.add(row)
    return row


async def messages_of(session: AsyncSession, conversation_id: int) -> list[Message]:
    result = await session.scalars(
        select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)
    )
    return list(result)


async def last_message_of(session: AsyncSession, conversation_id: int) -> Message | None:
    return await session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.seq.desc())
        .limit(1)
    )

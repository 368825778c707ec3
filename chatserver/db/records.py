"""Writing a conversation's messages, events and status: the only code that does either
(not yet moved here: a merge's renumbered messages and `merged` note, actions/customers.py,
and the new shoppers' batched greeting, actions/new_shoppers.py).

Every caller holds the conversation row locked (`lock_conversation`) so `seq` cannot repeat,
and every status change goes through `transition`, which enforces domain/states.py and
writes the event row in the same transaction.

A message is written in Core on the transaction's connection, with statements built once:
the ORM's unit of work and the per-call statement building were half of a message's CPU
(docs/benchmarks.md, 2026-12-01). Branches that change a conversation through the ORM get
its object from `conversation_object`, and `append_message` keeps a loaded one in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar, cast

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlalchemy.orm.attributes import set_committed_value

from chatserver.db.base import Base
from chatserver.db.models import Conversation, ConversationEvent, Message
from chatserver.domain import states
from chatserver.errors import AppError


class Chat(Protocol):
    """A conversation as the message rules read it: its ORM object, or the row `lock_chat`
    read (the common case, where nothing needs the ORM)."""

    @property
    def id(self) -> int: ...
    @property
    def shop_id(self) -> int: ...
    @property
    def visitor_id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def agent_id(self) -> int | None: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def awaiting_since(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class LockedChat:
    """The conversation's row as `lock_chat` read it, under its lock. Not updated by later
    writes: read the clocks before `append_message`, or take `conversation_object`."""

    id: int
    shop_id: int
    visitor_id: int
    status: str
    agent_id: int | None
    group_id: int | None
    awaiting_since: datetime | None
    first_response_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as stored: every column of `messages`, in table order (a test holds them
    to the model), so `message_dict` gives what it gives for the ORM object."""

    id: int
    conversation_id: int
    seq: int
    sender: str
    sender_name: str
    agent_id: int | None
    text: str
    kind: str
    client_id: str | None
    meta: dict[str, Any]
    response_ms: int | None
    created_at: datetime


class Keep(Enum):
    """A clock `append_message` leaves as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP

_conversations = Base.metadata.tables["conversations"]
_messages = Base.metadata.tables["messages"]
_c = _conversations.c
_LOCK_CHAT = (
    select(
        _c.id,
        _c.shop_id,
        _c.visitor_id,
        _c.status,
        _c.agent_id,
        _c.group_id,
        _c.awaiting_since,
        _c.first_response_at,
    )
    .where(_c.id == bindparam("chat_id"))
    .with_for_update()
)
_FIND_RESEND = select(*_messages.c).where(
    _messages.c.conversation_id == bindparam("chat_id"),
    _messages.c.client_id == bindparam("resend_of"),
)
# SQLite only (lock_conversation_and_find_resend): the chat and its message stored under the
# client_id, if any (unique per chat), in one read.
_LOCK_CHAT_AND_FIND_RESEND = _LOCK_CHAT.add_columns(*_messages.c).outerjoin(
    _messages,
    and_(_messages.c.conversation_id == _c.id, _messages.c.client_id == bindparam("resend_of")),
)
# The clocks to set come as extra parameters (`updated_at`, `awaiting_since`, …): Core adds a
# SET for each, so one statement serves every caller. RETURNING: the seq comes from the row,
# never from a copy in memory that could be behind.
_ADVANCE = (
    update(_conversations)
    .where(_c.id == bindparam("chat_id"))
    .values(last_seq=_c.last_seq + 1)
    .returning(_c.last_seq)
)
_INSERT_MESSAGE = insert(_messages).returning(_messages.c.id)


class _Keyed(Protocol):
    """A mapped table whose primary key is an integer column named id (every table here).
    ClassVar: lock_row reads the column on the class, where it is an SQL expression."""

    id: ClassVar[Mapped[int]]


Row = TypeVar("Row", bound=_Keyed)


@cache
def _lock_statement(model: type[Any]) -> Any:
    """Built once per model: building an ORM statement costs about as much as running it."""
    locked = select(model).where(model.id == bindparam("row_id")).with_for_update()
    return locked.execution_options(populate_existing=True)


async def lock_row(session: AsyncSession, model: type[Row], row_id: int) -> Row | None:
    """The row, re-read and locked until the transaction ends (FOR UPDATE; SQLite's
    transactions are BEGIN IMMEDIATE, which locks the whole database)."""
    return cast(Row | None, await session.scalar(_lock_statement(model), {"row_id": row_id}))


async def lock_chat(session: AsyncSession, conversation_id: int) -> LockedChat | None:
    """`lock_row` of a conversation, as the row the message rules read."""
    connection = await session.connection()
    row = (await connection.execute(_LOCK_CHAT, {"chat_id": conversation_id})).first()
    return None if row is None else LockedChat(*row)


async def lock_conversation_and_find_resend(
    session: AsyncSession, conversation_id: int, client_id: str | None
) -> tuple[LockedChat | None, StoredMessage | None]:
    """`lock_chat`, then `find_by_client_id` in it (with a `client_id`).
    Two statements on PostgreSQL on purpose: it runs a statement's joins on the snapshot taken
    before it waited for the row lock, so a resend read together with the lock would miss the
    message that the lock's holder, its first attempt, stored. SQLite's transaction holds the
    only write lock from its first statement (BEGIN IMMEDIATE), so there one read does both."""
    if client_id is not None and session.get_bind().dialect.name == "sqlite":
        connection = await session.connection()
        parameters = {"chat_id": conversation_id, "resend_of": client_id}
        row = (await connection.execute(_LOCK_CHAT_AND_FIND_RESEND, parameters)).first()
        if row is None:
            return None, None
        chat_columns = len(_LOCK_CHAT.selected_columns)
        resent = None if row[chat_columns] is None else StoredMessage(*row[chat_columns:])
        return LockedChat(*row[:chat_columns]), resent
    conversation = await lock_chat(session, conversation_id)
    if conversation is None or client_id is None:
        return conversation, None
    return conversation, await find_by_client_id(session, conversation_id, client_id)


async def conversation_object(session: AsyncSession, chat: Chat) -> Conversation:
    """The ORM object of a chat this transaction has locked, for a branch that changes it
    through the ORM (reopen, handoff, a block's reply). Re-read even when the session holds
    it (pending changes are flushed first), so a copy loaded before the lock cannot be acted
    on; `append_message` keeps the object in step with what it writes afterwards."""
    if isinstance(chat, Conversation):
        return chat
    conversation = await session.get(Conversation, chat.id, populate_existing=True)
    assert conversation is not None  # locked by this transaction: it cannot have gone
    return conversation


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
) -> StoredMessage | None:
    connection = await session.connection()
    row = (
        await connection.execute(_FIND_RESEND, {"chat_id": conversation_id, "resend_of": client_id})
    ).first()
    return None if row is None else StoredMessage(*row)


async def append_message(
    session: AsyncSession,
    conversation: Chat,
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
    awaiting_since: datetime | Keep | None = KEEP,
    first_response_at: datetime | Keep | None = KEEP,
) -> StoredMessage:
    """The conversation's next message, its `last_seq` and `updated_at` (and the response
    clocks given) in the same write. The only code that numbers a message."""
    if session.new or session.dirty or session.deleted:
        # The ORM's pending changes first, in the order they were made (a reopen's status
        # before its first message), as the flush that used to write the message did.
        await session.flush()
    clocks: dict[str, datetime | None] = {"updated_at": now}
    if awaiting_since is not KEEP:
        clocks["awaiting_since"] = awaiting_since
    if first_response_at is not KEEP:
        clocks["first_response_at"] = first_response_at
    connection = await session.connection()
    seq = (await connection.execute(_ADVANCE, {"chat_id": conversation.id, **clocks})).scalar_one()
    fields: dict[str, Any] = {
        "conversation_id": conversation.id,
        "seq": seq,
        "sender": sender,
        "sender_name": sender_name,
        "agent_id": agent_id,
        "text": text,
        "kind": kind,
        "client_id": client_id,
        "meta": meta or {},
        "response_ms": response_ms,
        "created_at": now,
    }
    message_id = (await connection.execute(_INSERT_MESSAGE, fields)).scalar_one()
    # The common case loads no ORM object at all: no key to build (it costs a mapper lookup).
    loaded = session.identity_map and session.identity_map.get(
        session.identity_key(Conversation, conversation.id)
    )
    if loaded:
        # Written behind the ORM's back: its copy must not be behind (a later notice's seq,
        # a clock read after this).
        set_committed_value(loaded, "last_seq", seq)
        for name, value in clocks.items():
            set_committed_value(loaded, name, value)
    return StoredMessage(id=message_id, **fields)


def record_event(
    session: AsyncSession,
    conversation: Chat,
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

"""identify(): an anonymous shopper becomes the shop's logged-in customer.

One visitor row per customer (unique shop_id + customer_id). The first device to identify
turns its own visitor into the customer's; every later device's anonymous visitor is merged
into it: its conversations move over, its token becomes an alias (`merged_into_id`), so every
device shows the same history. Never two open conversations: when both the customer's and the
anonymous one are open, the anonymous one's messages are appended to the kept one and it is
closed as `merged`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, and_, bindparam, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.current_chats import MERGED_REASON, current_conversation, was_merged
from chatserver.db.engine import Transaction
from chatserver.db.models import Conversation, Message, Shop, Visitor
from chatserver.db.records import (
    LockedChat,
    StoredMessage,
    conversation_object,
    lock_conversation_and_find_resend,
    lock_row,
    transition,
)
from chatserver.domain import states
from chatserver.domain.events import ChatClosed, MessagesMerged, Wire
from chatserver.domain.identity import CustomerIdentity, refused, signature_matches
from chatserver.errors import AppError
from chatserver.views.wire import message_dict

MERGED_TEXT = "顾客登录后，本会话已并入其会员会话"
# visitors.name is String(64): a long customer id must still fit the default name.
_NAME_LENGTH = 64
# The later, the more a person is already involved: that conversation is the one kept.
_STAGE = {states.BOT: 0, states.QUEUED: 1, states.ASSIGNED: 2}


def check_signature(shop: Shop, identity: CustomerIdentity) -> None:
    if shop.identity_secret is None:
        raise refused("本店尚未启用顾客身份验证，已按匿名访客接待")
    if not signature_matches(shop.identity_secret, identity.customer_id, identity.signature):
        raise refused("身份签名不正确，已按匿名访客接待")


@dataclass(frozen=True)
class TokenOwner:
    """Whom a widget token speaks for: `device` is the token's own visitor, `person` the one
    it opens (the customer when the device logged in and was merged into them)."""

    device: Visitor
    person: Visitor

    @property
    def is_customer(self) -> bool:
        """A logged-in customer's: opened only with a signed identify in the same page load."""
        return self.person.customer_id is not None


async def token_owner(session: AsyncSession, token_hash: str) -> TokenOwner | None:
    """The one way a widget token is resolved (socket connect and photo upload alike)."""
    device = await session.scalar(select(Visitor).where(Visitor.token_hash == token_hash))
    if device is None:
        return None
    if device.merged_into_id is None:
        return TokenOwner(device, device)
    person = await session.get(Visitor, device.merged_into_id)
    return None if person is None else TokenOwner(device, person)


# pg_advisory_xact_lock keyed by the visitor id alone, in its one-bigint form: ids are 64-bit,
# and the two-key form takes two 32-bit integers (an id past 2^31 would fail every write). The
# server takes no other advisory lock, so the key space needs no namespace. Built once and run
# in Core: every shopper message takes it (below, with the chat's shopper).
_SHOPPERS_LOCK = select(
    func.pg_advisory_xact_lock(cast(bindparam("visitor_id", type_=BigInteger), BigInteger))
)
# The chat's shopper, and their lock taken on the way: one statement.
_LOCK_SHOPPER_OF_CHAT = select(
    Conversation.visitor_id,
    func.pg_advisory_xact_lock(cast(Conversation.visitor_id, BigInteger)),
).where(Conversation.id == bindparam("chat_id"))


async def serialise_shoppers_writes(session: AsyncSession, visitor_id: int) -> None:
    """Until this transaction ends, the shopper's other writes wait (PostgreSQL; SQLite's
    write transactions run one at a time anyway)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = await session.connection()
    await connection.execute(_SHOPPERS_LOCK, {"visitor_id": visitor_id})


async def _locked_or_missing(
    session: AsyncSession, conversation_id: int, client_id: str | None
) -> tuple[LockedChat, StoredMessage | None]:
    conversation, resent = await lock_conversation_and_find_resend(
        session, conversation_id, client_id
    )
    if conversation is None:
        raise AppError("not_found", "会话不存在")
    return conversation, resent


async def lock_shoppers_chat(session: AsyncSession, conversation_id: int) -> Conversation:
    """`lock_shoppers_chat_and_find_resend` without a message to look for, as its ORM object."""
    locked = (await lock_shoppers_chat_and_find_resend(session, conversation_id, None))[0]
    return await conversation_object(session, locked)


async def lock_shoppers_chat_and_find_resend(
    session: AsyncSession, conversation_id: int, client_id: str | None
) -> tuple[LockedChat, StoredMessage | None]:
    """The conversation, locked, after its shopper's writes are serialised. Every shopper write
    that may reopen a chat waits for the shopper's others first, so two tabs of one customer
    writing into two of their closed chats at once queue up, and the second sees the first's
    reopened chat (`writable_conversation`) instead of reopening its own: never two open.

    On PostgreSQL that is the shopper's advisory lock, not the visitor's row, which routing
    writes while holding the chat (docs/architecture.md, "One lock order"). With a `client_id`,
    also the chat's message stored under it (a resend), read with the lock."""
    if session.get_bind().dialect.name != "postgresql":
        # BEGIN IMMEDIATE already holds the only write lock: no login can move the chat now.
        return await _locked_or_missing(session, conversation_id, client_id)
    for _attempt in range(3):
        connection = await session.connection()
        visitor_id = (
            await connection.execute(_LOCK_SHOPPER_OF_CHAT, {"chat_id": conversation_id})
        ).scalar()
        if visitor_id is None:
            raise AppError("not_found", "会话不存在")
        conversation, resent = await _locked_or_missing(session, conversation_id, client_id)
        # A login may have moved the chat to the customer between the read and the lock.
        if conversation.visitor_id == visitor_id:
            return conversation, resent
    raise AppError("conflict", "会话正在更新，请稍后重试")


async def writable_conversation(session: AsyncSession, locked: Conversation) -> Conversation:
    """Where a shopper's message or request for `locked` (their socket's chat) goes: there,
    unless it is closed while the shopper has another open chat (another device logged in and
    took it over) or it was merged away; then their current one, locked. Never two open."""
    if locked.status != states.CLOSED:
        return locked
    current = await current_conversation(session, locked.visitor_id)
    if current is None or current.id == locked.id:
        return locked
    if current.status != states.CLOSED or await was_merged(session, locked.id):
        target = await lock_row(session, Conversation, current.id)
        assert target is not None
        return target
    return locked


async def lock_before_login(
    session: AsyncSession, shop_id: int, device_id: int, customer_id: str
) -> None:
    """What a login may write, locked in the server's order (docs/architecture.md) before any
    visitor row: both shoppers' advisory locks, then the chats a merge moves or joins."""
    customer = await session.scalar(
        select(Visitor.id).where(Visitor.shop_id == shop_id, Visitor.customer_id == customer_id)
    )
    # Device first, then customer: the way chats move, as a shopper's write retried after a
    # merge takes them (`lock_shoppers_chat_and_find_resend`).
    await serialise_shoppers_writes(session, device_id)
    if customer is not None and customer != device_id:
        await serialise_shoppers_writes(session, customer)
    # The device's chats may move (to a known customer); of the customer's only an open one
    # is written (the merge's kept chat).
    written = Conversation.visitor_id == device_id
    if customer is not None:
        written = or_(
            written,
            and_(Conversation.visitor_id == customer, Conversation.status != states.CLOSED),
        )
    await session.execute(
        select(Conversation.id).where(written).order_by(Conversation.id).with_for_update()
    )


def default_customer_name(customer_id: str) -> str:
    return f"会员 {customer_id}"[:_NAME_LENGTH]


def _apply_details(visitor: Visitor, identity: CustomerIdentity) -> None:
    visitor.customer_id = identity.customer_id
    if identity.name is not None:
        visitor.name = identity.name
    if identity.phone is not None:
        visitor.customer_phone = identity.phone


async def become_customer(
    tx: Transaction,
    shop: Shop,
    device: Visitor,
    identity: CustomerIdentity,
    now: datetime,
    fresh_token_hash: str,
) -> tuple[Visitor, bool]:
    """The customer's visitor after `device` (the socket's own, locked) identified as them,
    and whether it was made with `fresh_token_hash` (the device must then keep that token)."""
    session = tx.session
    if device.customer_id == identity.customer_id:
        _apply_details(device, identity)
        return device, False
    customer = await session.scalar(
        select(Visitor)
        .where(Visitor.shop_id == shop.id, Visitor.customer_id == identity.customer_id)
        .with_for_update()
    )
    if customer is None and device.customer_id is None:
        _apply_details(device, identity)
        return device, False
    if customer is None:
        # Another customer logs in on this device: a visitor of their own, nothing moved.
        customer = Visitor(
            shop_id=shop.id,
            token_hash=fresh_token_hash,
            name=identity.name or default_customer_name(identity.customer_id),
            created_at=now,
            last_seen_at=now,
        )
        _apply_details(customer, identity)
        session.add(customer)
        await session.flush()
        return customer, True
    _apply_details(customer, identity)
    customer.last_seen_at = now
    if device.customer_id is None:
        await _merge(tx, device, customer, now)
        return customer, False
    # Another customer on this device, known from elsewhere: a new token that opens them.
    alias = Visitor(
        shop_id=shop.id,
        token_hash=fresh_token_hash,
        name=customer.name,
        created_at=now,
        last_seen_at=now,
        merged_into_id=customer.id,
    )
    session.add(alias)
    await session.flush()
    return customer, True


async def _merge(tx: Transaction, anonymous: Visitor, customer: Visitor, now: datetime) -> None:
    session = tx.session
    moving = await current_conversation(session, anonymous.id)
    kept = await current_conversation(session, customer.id)
    anonymous.merged_into_id = customer.id
    # What this device reported (pages, product, pre-chat answers) fills in what is missing.
    customer.context = {**(anonymous.context or {}), **(customer.context or {})} or None
    await session.execute(
        update(Conversation)
        .where(Conversation.visitor_id == anonymous.id)
        .values(visitor_id=customer.id)
    )
    if moving is None or kept is None:
        return
    if moving.status == states.CLOSED or kept.status == states.CLOSED:
        return
    moving = await lock_row(session, Conversation, moving.id)
    kept = await lock_row(session, Conversation, kept.id)
    assert moving is not None and kept is not None
    if _STAGE.get(moving.status, 0) > _STAGE.get(kept.status, 0):
        moving, kept = kept, moving
    moved = await _append_messages(session, moving, kept, now)
    tx.record(
        MessagesMerged(
            kept.id, kept.shop_id, agent_id=kept.agent_id, status=kept.status, messages=moved
        )
    )
    owner = moving.agent_id
    transition(
        session,
        moving,
        states.CLOSED,
        event="closed",
        now=now,
        actor_type="visitor",
        actor_id=anonymous.id,
        reason=MERGED_REASON,
        data={"merged_into": kept.id},
    )
    moving.closed_at = now
    moving.awaiting_since = None
    moving.last_seq += 1
    note = Message(
        conversation_id=moving.id,
        seq=moving.last_seq,
        sender="system",
        sender_name="系统",
        text=MERGED_TEXT,
        kind="event",
        meta={"event": "merged", "merged_into": kept.id},
        created_at=now,
    )
    session.add(note)
    await session.flush()
    tx.record(
        ChatClosed(
            moving.id,
            moving.shop_id,
            owner_id=owner,
            closed_by=None,
            reason=MERGED_REASON,
            farewell=message_dict(note),
        )
    )


async def _append_messages(
    session: AsyncSession, source: Conversation, target: Conversation, now: datetime
) -> tuple[Wire, ...]:
    """The source's messages, in order, after the target's: renumbered, ids kept. The
    anonymous chat's own bot greeting is dropped (the kept chat has its own)."""
    rows = list(
        await session.scalars(
            select(Message).where(Message.conversation_id == source.id).order_by(Message.seq)
        )
    )
    for message in rows:
        if message.sender == "bot" and (message.meta or {}).get("greeting"):
            await session.delete(message)
            continue
        target.last_seq += 1
        message.conversation_id = target.id
        message.seq = target.last_seq
    target.updated_at = now
    await session.flush()
    return tuple(message_dict(m) for m in rows if m.conversation_id == target.id)

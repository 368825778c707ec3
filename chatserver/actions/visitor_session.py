"""A shopper opens the widget: resume their conversation, or greet a new shopper."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.current_chats import current_conversation
from chatserver.actions.customers import (
    become_customer,
    check_signature,
    lock_before_login,
    token_owner,
)
from chatserver.actions.new_shoppers import BOT_NAME, NewShoppers
from chatserver.actions.resuming_shoppers import Join, ResumedHistory, ResumingShoppers
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, Message, Shop, Visitor, utcnow
from chatserver.db.records import StoredMessage, append_message, lock_row, record_event
from chatserver.domain import states
from chatserver.domain.events import ChatCreated
from chatserver.domain.greeting import render_greeting
from chatserver.domain.identity import CustomerIdentity
from chatserver.errors import AppError
from chatserver.services.auth import new_token
from chatserver.views.queue import QueueViews

MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class VisitorContext:
    """Who a shopper's socket speaks for: fixed at connect, checked on every event."""

    shop_id: int
    visitor_id: int
    conversation_id: int


@dataclass(frozen=True)
class OpenedSession:
    """What a connect found or made, loaded once for the greeting `session` event, and why the
    identity of its handshake was refused (None: none was given, or it was accepted)."""

    token: str
    context: VisitorContext
    shop: Shop
    visitor: Visitor
    conversation: Conversation
    # The greeting, when the conversation was started by this connect (its only message).
    greeting: Message | StoredMessage | None
    refusal: AppError | None = None
    # A resume read in a batch: its history, rating round, agent and queue place, read already.
    history: ResumedHistory | None = None


T = TypeVar("T")
# Builds the `session` payload: inside the connect's transaction, or with None after a batch
# (a conversation that holds only its greeting has nothing to read; a resumed one was read).
Greet = Callable[[AsyncSession | None, OpenedSession], Awaitable[T]]


def _display_name() -> str:
    return f"访客 {secrets.token_hex(2).upper()}"


class VisitorSessions:
    def __init__(
        self, db: Database, digest: Callable[[str], str], default_shop: str, queue: QueueViews
    ) -> None:
        self.db = db
        self.digest = digest
        self.default_shop = default_shop
        self.new_shoppers = NewShoppers(db, digest, _display_name)
        self.resuming_shoppers = ResumingShoppers(db, digest, queue)

    async def do_open_session(
        self,
        shop_slug: str | None,
        token: str | None,
        join: Join,
        greet: Greet[T],
        identity: CustomerIdentity | None = None,
    ) -> tuple[OpenedSession, T]:
        """The shopper's session, and what `greet` makes of it in the same transaction (the
        `session` payload: one transaction and no second read of what was just loaded, which is
        most of what a connect costs). `join` enters the socket into the conversation's room
        before its history is read: whatever is sent from then on reaches the socket, and
        anything earlier is in the history (clients de-duplicate by id). A token of another shop, a forged one, or a logged-in
        customer's without their identity is a new shopper: it never opens anyone else's
        conversation. `identity` (the handshake's, the loader's identify()) opens the customer
        directly, with no anonymous chat made first; a refused one is reported in `refusal` and
        the shopper opens as if it had not been given."""
        try:
            return await self._open_session(shop_slug, token, join, greet, identity)
        except IntegrityError:
            # Two devices made the same new customer at once: the other one won; join it.
            return await self._open_session(shop_slug, token, join, greet, identity)

    async def _open_session(
        self,
        shop_slug: str | None,
        token: str | None,
        join: Join,
        greet: Greet[T],
        identity: CustomerIdentity | None,
    ) -> tuple[OpenedSession, T]:
        slug = shop_slug or self.default_shop
        if token is None and identity is None:
            # A new anonymous shopper: stored with whoever else connects meanwhile (one commit).
            made = await self.new_shoppers.open(slug)
            context = VisitorContext(made.shop.id, made.visitor.id, made.conversation.id)
            opened = OpenedSession(
                made.token, context, made.shop, made.visitor, made.conversation, made.greeting
            )
            # Joined after the commit: nobody else knows of the conversation yet, so nothing
            # can have been sent to it.
            await join(made.conversation.id)
            return opened, await greet(None, opened)
        if token is not None and identity is None and 0 < len(token) <= MAX_TOKEN_LENGTH:
            # A returning anonymous shopper: read with whoever else reconnects meanwhile.
            resumed = await self.resuming_shoppers.resume(slug, token, join)
            if resumed is not None:
                ids = (resumed.shop.id, resumed.visitor.id, resumed.conversation.id)
                opened = OpenedSession(
                    token,
                    VisitorContext(*ids),
                    resumed.shop,
                    resumed.visitor,
                    resumed.conversation,
                    greeting=None,
                    history=resumed.history,
                )
                return opened, await greet(None, opened)
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            shop = await session.scalar(select(Shop).where(Shop.slug == slug))
            if shop is None:
                raise AppError("not_found", f"店铺 {slug} 不存在")
            refusal = None
            if identity is not None:
                try:
                    check_signature(shop, identity)
                except AppError as error:
                    refusal, identity = error, None
            visitor = None
            if token is not None and 0 < len(token) <= MAX_TOKEN_LENGTH:
                owner = await token_owner(session, self.digest(token))
                # A logged-in customer's token alone opens nobody: on a shared computer the
                # next person must not see their chats. A verified identity in this page
                # load (handshake or identify) does.
                if owner is not None and owner.device.shop_id == shop.id:
                    if not owner.is_customer or identity is not None:
                        visitor = owner.person
            conversation, greeting = None, None
            returning = visitor is not None
            if visitor is None:
                token = new_token()
                visitor = Visitor(
                    shop_id=shop.id,
                    token_hash=self.digest(token),
                    name=_display_name(),
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(visitor)
                await session.flush()
            if identity is not None:
                await lock_before_login(session, shop.id, visitor.id, identity.customer_id)
                device = await lock_row(session, Visitor, visitor.id)
                assert device is not None
                fresh_token = new_token()
                visitor, fresh = await become_customer(
                    tx, shop, device, identity, now, self.digest(fresh_token)
                )
                token = fresh_token if fresh else token
                returning = True
            if returning:
                visitor.last_seen_at = now
                # A new visitor has no conversation yet: only a returning one (or the customer
                # an identity opened) is looked up.
                conversation = await current_conversation(session, visitor.id)
            if conversation is None:
                conversation, greeting = await start_conversation(tx, shop, visitor, now)
            assert token is not None
            context = VisitorContext(shop.id, visitor.id, conversation.id)
            opened = OpenedSession(token, context, shop, visitor, conversation, greeting, refusal)
            await join(conversation.id)
            return opened, await greet(session, opened)

    async def do_identify(
        self, context: VisitorContext, identity: CustomerIdentity
    ) -> tuple[str | None, VisitorContext]:
        """The socket's context once its shopper is the verified customer, and the token the
        device must keep from now on (None: its own still opens the customer). A forged
        signature raises `identity_refused` and changes nothing."""
        try:
            return await self._identify(context, identity)
        except IntegrityError:
            # Two devices made the same new customer at once: the other one won; join it.
            return await self._identify(context, identity)

    async def _identify(
        self, context: VisitorContext, identity: CustomerIdentity
    ) -> tuple[str | None, VisitorContext]:
        now = utcnow()
        fresh_token = new_token()
        async with self.db.transaction() as tx:
            session = tx.session
            shop = await session.get_one(Shop, context.shop_id)
            check_signature(shop, identity)
            await lock_before_login(session, shop.id, context.visitor_id, identity.customer_id)
            device = await lock_row(session, Visitor, context.visitor_id)
            if device is None:
                raise AppError("not_found", "访客不存在")
            customer, fresh = await become_customer(
                tx, shop, device, identity, now, self.digest(fresh_token)
            )
            conversation = await current_conversation(session, customer.id)
            if conversation is None:
                conversation, _ = await start_conversation(tx, shop, customer, now)
            return (
                fresh_token if fresh else None,
                VisitorContext(shop.id, customer.id, conversation.id),
            )


async def start_conversation(
    tx: Transaction, shop: Shop, visitor: Visitor, now: datetime
) -> tuple[Conversation, StoredMessage]:
    """A new conversation, greeted by the bot with the shop's greeting (its only message)."""
    session: AsyncSession = tx.session
    conversation = Conversation(
        shop_id=shop.id, visitor_id=visitor.id, status=states.BOT, created_at=now, updated_at=now
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
    greeting = await append_message(
        session,
        conversation,
        sender="bot",
        sender_name=BOT_NAME,
        text=render_greeting(shop.greeting_template, shop=shop.name, agent=BOT_NAME),
        meta={"greeting": True},
        now=now,
    )
    tx.record(ChatCreated(conversation.id, shop.id, visitor.id))
    return conversation, greeting

"""Resuming shoppers, read in batches: one transaction finds the conversation and history of
every shopper who reconnected with their token meanwhile.

A resume alone was a transaction of seven statements or more (shop, token, conversations,
history, rating round, last_seen), each a round trip to the database driver and most of its
CPU spent building and compiling the ORM statements: one process took ~110 resuming shoppers
a second on SQLite, so a restarted process kept its shoppers waiting. Batched (group commit,
actions/batches.py) the same statements serve up to MAX_BATCH shoppers at once.

Only the plain case is batched: an anonymous shopper's own token, of this shop, whose visitor
has a conversation. Anything else (an unknown, forged or other shop's token, a logged-in
customer's, which opens nobody without their identity, a visitor without a conversation) is
answered None, and the caller takes the one-transaction path, which decides it as ever.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.batches import Batches
from chatserver.actions.current_chats import current_conversation_ids
from chatserver.db.engine import Database
from chatserver.db.models import (
    Agent,
    Conversation,
    Message,
    Shop,
    Visitor,
    utcnow,
)
from chatserver.domain import states
from chatserver.domain.last_seen import stale_before
from chatserver.errors import AppError
from chatserver.views.queue import QueueViews
from chatserver.views.ratings import rating_prompts

MAX_BATCH = 200  # shoppers per transaction: bounds one batch's history and the wait behind it

# Enters the shopper's socket into the conversation's room (before its history is read).
Join = Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class ResumeRequest:
    slug: str
    token: str
    join: Join


@dataclass(frozen=True)
class ResumedHistory:
    """What the `session` payload needs beyond the rows themselves, read for the batch."""

    messages: list[Message]
    rating: dict[str, Any]
    agent: Agent | None
    queue: dict[str, int | None] | None


@dataclass(frozen=True)
class ResumedShopper:
    shop: Shop
    visitor: Visitor
    conversation: Conversation
    history: ResumedHistory


class ResumingShoppers:
    def __init__(self, db: Database, digest: Callable[[str], str], queue: QueueViews) -> None:
        self.db = db
        self.digest = digest
        self.queue = queue
        self._batches: Batches[ResumeRequest, ResumedShopper | None] = Batches(
            self._resume, MAX_BATCH
        )

    async def resume(self, slug: str, token: str, join: Join) -> ResumedShopper | None:
        """The shopper's conversation, joined and read; None when the token does not simply
        resume (see above); AppError `not_found` for no such shop."""
        return await self._batches.submit(ResumeRequest(slug, token, join))

    async def _resume(
        self, requests: list[ResumeRequest]
    ) -> list[ResumedShopper | BaseException | None]:
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            slugs = {r.slug for r in requests}
            shops = {
                s.slug: s for s in await session.scalars(select(Shop).where(Shop.slug.in_(slugs)))
            }
            hashes = [self.digest(r.token) for r in requests]
            found = await session.scalars(
                select(Visitor).where(Visitor.token_hash.in_(set(hashes)))
            )
            devices = {v.token_hash: v for v in found}
            visitors: list[Visitor | None] = []
            for request, token_hash in zip(requests, hashes, strict=True):
                shop, device = shops.get(request.slug), devices.get(token_hash)
                plain = (
                    shop is not None
                    and device is not None
                    and device.shop_id == shop.id
                    and device.merged_into_id is None
                    and device.customer_id is None
                )
                visitors.append(device if plain else None)
            current = await current_conversation_ids(session, {v.id for v in visitors if v})
            results: list[ResumedShopper | BaseException | None] = []
            joined: list[tuple[int, ResumeRequest, Visitor, int]] = []
            for index, (request, visitor) in enumerate(zip(requests, visitors, strict=True)):
                conversation_id = current.get(visitor.id) if visitor is not None else None
                if request.slug not in shops:
                    results.append(AppError("not_found", f"店铺 {request.slug} 不存在"))
                elif visitor is None or conversation_id is None:
                    results.append(None)
                else:
                    # Joined before the history is read: whatever is sent from now on reaches
                    # the socket, anything earlier is in the history (clients de-duplicate).
                    try:
                        await request.join(conversation_id)
                    except Exception as error:
                        results.append(error)
                        continue
                    results.append(None)  # replaced below, once the history is read
                    joined.append((index, request, visitor, conversation_id))
            if not joined:
                return results
            # Read after the joins, so the status sent is never older than the room's events.
            chosen = {cid for _, _, _, cid in joined}
            rows = await session.scalars(select(Conversation).where(Conversation.id.in_(chosen)))
            conversations = {c.id: c for c in rows}
            joined = await _still_theirs(session, joined, conversations, results)
            if not joined:
                return results
            histories = await self._histories(session, conversations.values())
            await _touch_last_seen(session, [v.id for _, _, v, _ in joined], now)
        for index, request, visitor, conversation_id in joined:
            conversation = conversations[conversation_id]
            shop = shops[request.slug]
            results[index] = ResumedShopper(shop, visitor, conversation, histories[conversation_id])
        return results

    async def _histories(
        self, session: AsyncSession, conversations: Iterable[Conversation]
    ) -> dict[int, ResumedHistory]:
        chats = list(conversations)
        ids = [c.id for c in chats]
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id.in_(ids))
            .order_by(Message.conversation_id, Message.seq)
        )
        messages: dict[int, list[Message]] = defaultdict(list)
        for message in rows:
            messages[message.conversation_id].append(message)
        ratings = await rating_prompts(session, chats)
        serving = {c.agent_id for c in chats if c.status == states.ASSIGNED and c.agent_id}
        agents = (
            {a.id: a for a in await session.scalars(select(Agent).where(Agent.id.in_(serving)))}
            if serving
            else {}
        )
        queues: dict[int, dict[str, int | None]] = {}
        for shop_id in {c.shop_id for c in chats if c.status == states.QUEUED}:
            _waiting, positions = await self.queue.positions(session, shop_id)
            queues.update(positions)
        return {
            c.id: ResumedHistory(
                messages[c.id],
                ratings[c.id],
                agents.get(c.agent_id) if c.status == states.ASSIGNED and c.agent_id else None,
                queues.get(c.id) if c.status == states.QUEUED else None,
            )
            for c in chats
        }


async def _still_theirs(
    session: AsyncSession,
    joined: list[tuple[int, ResumeRequest, Visitor, int]],
    conversations: dict[int, Conversation],
    results: list[ResumedShopper | BaseException | None],
) -> list[tuple[int, ResumeRequest, Visitor, int]]:
    """The resumes whose chat is still their anonymous shopper's: a login committed since the
    first read (PostgreSQL reads each statement afresh) may have made the device a customer or
    moved the chat, and a token alone must not open a customer's chat. Those are refused as
    `unavailable`, which leaves the room just joined; the widget retries with its token and the
    one-transaction path decides."""
    ids = {visitor.id for _, _, visitor, _ in joined}
    anonymous = set(
        await session.scalars(
            select(Visitor.id).where(
                Visitor.id.in_(ids),
                Visitor.customer_id.is_(None),
                Visitor.merged_into_id.is_(None),
            )
        )
    )
    kept = []
    for entry in joined:
        index, _request, visitor, conversation_id = entry
        if visitor.id in anonymous and conversations[conversation_id].visitor_id == visitor.id:
            kept.append(entry)
        else:
            results[index] = AppError("unavailable", "会话正在更新，请稍后重试")
    return kept


async def _touch_last_seen(session: AsyncSession, visitor_ids: list[int], now: datetime) -> None:
    """last_seen_at = now where it is older than domain/last_seen.py allows. On PostgreSQL the rows are
    locked in id order and any row another transaction holds is skipped (a shopper's message
    writes it anyway), so two batches never wait on each other or deadlock over visitors."""
    stale = (
        select(Visitor.id)
        .where(Visitor.id.in_(visitor_ids), Visitor.last_seen_at < stale_before(now))
        .order_by(Visitor.id)
        .with_for_update(skip_locked=True)
    )
    await session.execute(
        update(Visitor)
        .where(Visitor.id.in_(stale))
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )

"""New shoppers, greeted in batches: one transaction stores every shopper who connected meanwhile.

A new shopper is a visitor, a conversation, its `created` event and the bot's greeting: four rows
that cost about 5 ms of CPU in a transaction of their own, mostly the per-statement round trips
of the ORM and the database driver, so one process greeted ~65 shoppers a second and a restart
left thousands waiting for minutes. Requests that arrive while a batch is being stored wait for
the next one, which stores all of them with one INSERT per table (group commit,
actions/batches.py). Each shopper's `session` is still sent only after their rows are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from chatserver.actions.batches import Batches
from chatserver.db.engine import Database
from chatserver.db.models import Conversation, ConversationEvent, Message, Shop, Visitor, utcnow
from chatserver.domain import states
from chatserver.domain.events import ChatCreated
from chatserver.domain.greeting import render_greeting
from chatserver.errors import AppError
from chatserver.services.auth import new_token

log = logging.getLogger(__name__)

BOT_NAME = "智能助手"
MAX_BATCH = 200  # shoppers per transaction: bounds one commit's size and the wait behind it


@dataclass(frozen=True)
class NewShopper:
    """What a batch made for one shopper: their token and the rows of the greeting."""

    token: str
    shop: Shop
    visitor: Visitor
    conversation: Conversation
    greeting: Message


class NewShoppers:
    def __init__(self, db: Database, digest: Callable[[str], str], name: Callable[[], str]):
        self.db = db
        self.digest = digest
        self.name = name
        self._batches: Batches[str, NewShopper] = Batches(self._store, MAX_BATCH)

    async def open(self, slug: str) -> NewShopper:
        """A new shopper of shop `slug` (AppError `not_found` for no such shop), committed."""
        return await self._batches.submit(slug)

    async def _store(self, slugs: list[str]) -> list[NewShopper | BaseException]:
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            rows = await session.scalars(select(Shop).where(Shop.slug.in_(set(slugs))))
            shops = {shop.slug: shop for shop in rows}
            tokens = [new_token() for _ in slugs]
            visitors = [
                Visitor(
                    shop_id=shops[slug].id,
                    token_hash=self.digest(token),
                    name=self.name(),
                    created_at=now,
                    last_seen_at=now,
                )
                if slug in shops
                else None
                for slug, token in zip(slugs, tokens, strict=True)
            ]
            session.add_all([v for v in visitors if v is not None])
            await session.flush()  # one INSERT … RETURNING for all (SQLAlchemy's insertmanyvalues)
            conversations = [
                None
                if visitor is None
                else Conversation(
                    shop_id=visitor.shop_id,
                    visitor_id=visitor.id,
                    status=states.BOT,
                    created_at=now,
                    updated_at=now,
                    # The greeting below is its first message (records.append_message's seq).
                    last_seq=1,
                )
                for visitor in visitors
            ]
            session.add_all([c for c in conversations if c is not None])
            await session.flush()
            made: list[NewShopper | BaseException] = []
            for slug, token, visitor, conversation in zip(
                slugs, tokens, visitors, conversations, strict=True
            ):
                if visitor is None or conversation is None:
                    made.append(AppError("not_found", f"店铺 {slug} 不存在"))
                    continue
                shop = shops[slug]
                greeting = self._greet(conversation, shop, now)
                session.add(greeting)
                session.add(
                    ConversationEvent(
                        conversation_id=conversation.id,
                        type="created",
                        to_status=states.BOT,
                        actor_type="visitor",
                        actor_id=visitor.id,
                        data={},
                        created_at=now,
                    )
                )
                tx.record(ChatCreated(conversation.id, shop.id, visitor.id))
                made.append(NewShopper(token, shop, visitor, conversation, greeting))
            await session.flush()
        return made

    @staticmethod
    def _greet(conversation: Conversation, shop: Shop, now: datetime) -> Message:
        return Message(
            conversation_id=conversation.id,
            seq=1,
            sender="bot",
            sender_name=BOT_NAME,
            text=render_greeting(shop.greeting_template, shop=shop.name, agent=BOT_NAME),
            kind="text",
            meta={"greeting": True},
            created_at=now,
        )

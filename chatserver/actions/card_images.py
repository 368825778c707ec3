"""Product images through our own origin: the image a product card, an order card's item or
the product on the shopper's screen (page context) names on the shop's page is
fetched by the server (services/image_fetch.py: public addresses only, capped, timed out),
re-encoded by the photo pipeline (services/images.py), stored in the MediaStore and shown
through the same signed, expiring URLs as photos (`meta.card.photo`).

Once per shop and URL (`card_images`): every later card naming the same image reuses the
stored files. A fetch that fails is logged and the card keeps its placeholder; it is tried
again by the next card that names the URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatserver.actions.current_chats import current_conversation
from chatserver.actions.shopper_context import tell_staff
from chatserver.db.engine import Database
from chatserver.db.models import CardImage, Conversation, Message, Visitor, utcnow
from chatserver.db.records import lock_row
from chatserver.domain import states
from chatserver.domain.events import CardImageReady, ContextImageWanted
from chatserver.domain.media import card_image_key
from chatserver.errors import AppError
from chatserver.services.image_fetch import FetchRefused, fetch_image_bytes
from chatserver.services.images import ImageWorkers
from chatserver.services.media_store import MediaStore
from chatserver.services.webhook_http import client_session
from chatserver.views.wire import message_dict

log = logging.getLogger(__name__)

USER_AGENT = "chatserver-card-images/1"


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def stored_photo(image: CardImage) -> dict[str, Any]:
    """What a card keeps in `meta.card.photo`; readers get signed URLs instead of the keys."""
    return {
        "key": image.key,
        "thumb_key": image.thumb_key,
        "width": image.width,
        "height": image.height,
        "thumb_width": image.thumb_width,
        "thumb_height": image.thumb_height,
    }


class CardImages:
    def __init__(
        self,
        db: Database,
        store: MediaStore,
        workers: ImageWorkers,
        *,
        allow_private: bool,
    ) -> None:
        self.db = db
        self.store = store
        self.workers = workers
        self.allow_private = allow_private
        # One fetch per shop and URL at a time in this process: two cards of the same product
        # sent together wait for the first fetch instead of making a second. Each entry is
        # (lock, how many cards use it) and goes with its last user.
        self._fetching: dict[tuple[int, str], tuple[asyncio.Lock, int]] = {}

    async def do_attach(self, shop_id: int, message_id: int, url: str) -> bool:
        """Give the product card message its image: True if it now has one. Never raises for
        a bad image or host (logged); the card keeps its placeholder."""
        image = await self._try(shop_id, url)
        if image is not None:
            await self._set_photos(message_id, {None: image})
        return image is not None

    async def do_attach_items(self, shop_id: int, message_id: int, urls: dict[int, str]) -> int:
        """An order card's item images (by item index), fetched one URL at a time and set in
        one update: how many items now have one."""
        fetched: dict[str, CardImage | None] = {}
        for url in urls.values():
            if url not in fetched:
                fetched[url] = await self._try(shop_id, url)
        found: dict[int | None, CardImage] = {}
        for index, url in urls.items():
            image = fetched[url]
            if image is not None:
                found[index] = image
        if found:
            await self._set_photos(message_id, found)
        return len(found)

    async def do_attach_context(self, event: ContextImageWanted) -> bool:
        """The product on the shopper's screen gets our copy of its image, if it still names
        that image once fetched; staff serving the chat are told (`visitor_context`)."""
        image = await self._try(event.shop_id, event.url)
        if image is None:
            return False
        async with self.db.transaction() as tx:
            visitor = await lock_row(tx.session, Visitor, event.visitor_id)
            product = dict(((visitor.context or {}) if visitor else {}).get("product") or {})
            if visitor is None or product.get("image") != event.url:
                return False  # another product is on screen by now
            product["photo"] = stored_photo(image)
            visitor.context = {**(visitor.context or {}), "product": product}
            conversation = await current_conversation(tx.session, visitor.id)
            if conversation is not None:
                tell_staff(tx, conversation, visitor)
        return True

    async def _try(self, shop_id: int, url: str) -> CardImage | None:
        try:
            return await self._image_for(shop_id, url)
        except (FetchRefused, AppError) as exc:
            log.warning("card image of shop %d not fetched (%s): %.200s", shop_id, exc, url)
            return None

    async def _image_for(self, shop_id: int, url: str) -> CardImage:
        digest = url_hash(url)
        key = (shop_id, digest)
        lock, users = self._fetching.get(key) or (asyncio.Lock(), 0)
        self._fetching[key] = (lock, users + 1)
        try:
            async with lock:
                return await self._cached(shop_id, digest) or await self._fetch(
                    shop_id, url, digest
                )
        finally:
            lock, users = self._fetching[key]
            if users == 1:
                del self._fetching[key]
            else:
                self._fetching[key] = (lock, users - 1)

    async def _cached(self, shop_id: int, digest: str) -> CardImage | None:
        async with self.db.sessions() as session:
            return await session.scalar(
                select(CardImage).where(CardImage.shop_id == shop_id, CardImage.url_hash == digest)
            )

    async def _fetch(self, shop_id: int, url: str, digest: str) -> CardImage:
        async with client_session(allow_private=self.allow_private, user_agent=USER_AGENT) as http:
            data = await fetch_image_bytes(http, url, allow_private=self.allow_private)
        prepared = await self.workers.prepare(data)
        image_id = secrets.token_urlsafe(16)
        image = CardImage(
            shop_id=shop_id,
            url_hash=digest,
            url=url,
            content_type=prepared.content_type,
            key=card_image_key(shop_id, image_id, prepared.ext, thumb=False),
            thumb_key=card_image_key(shop_id, image_id, prepared.ext, thumb=True),
            width=prepared.width,
            height=prepared.height,
            thumb_width=prepared.thumb_width,
            thumb_height=prepared.thumb_height,
            size_bytes=len(prepared.data),
            created_at=utcnow(),
        )
        await self.store.put(image.key, prepared.data, prepared.content_type)
        await self.store.put(image.thumb_key, prepared.thumb, prepared.content_type)
        try:
            async with self.db.transaction() as tx:
                tx.session.add(image)
        except IntegrityError:
            # Another process stored the same image first: theirs is kept, ours goes.
            await self.store.delete(image.key)
            await self.store.delete(image.thumb_key)
            cached = await self._cached(shop_id, digest)
            if cached is None:
                raise
            return cached
        except BaseException:
            await self.store.delete(image.key)
            await self.store.delete(image.thumb_key)
            raise
        return image

    async def _set_photos(self, message_id: int, images: dict[int | None, CardImage]) -> None:
        """`None`: the product card's own image; an index: that order item's."""
        async with self.db.transaction() as tx:
            message = await lock_row(tx.session, Message, message_id)
            if message is None:  # the conversation was deleted meanwhile
                return
            card = dict((message.meta or {}).get("card") or {})
            items = [dict(item) for item in card.get("items") or []]
            for where, image in images.items():
                if where is None:
                    card["photo"] = stored_photo(image)
                elif where < len(items):
                    items[where]["photo"] = stored_photo(image)
            if items:
                card["items"] = items
            # A new dict: the JSON column sees the change only when the value is replaced.
            message.meta = {**(message.meta or {}), "card": card}
            conversation = await tx.session.get_one(Conversation, message.conversation_id)
            tx.record(
                CardImageReady(
                    conversation.id,
                    conversation.shop_id,
                    message=message_dict(message),
                    agent_id=conversation.agent_id
                    if conversation.status == states.ASSIGNED
                    else None,
                )
            )

"""Product images arrive after the ack: the card message (or the page context) is stored and
told first, then the image is fetched in the background (actions/card_images.py) and the card
or the context updated."""

from __future__ import annotations

from typing import Any

from chatserver.actions.card_images import CardImages
from chatserver.dispatch import Dispatcher
from chatserver.domain.events import ContextImageWanted, MessagePosted


def _card(message: dict[str, Any]) -> dict[str, Any]:
    card = (message.get("meta") or {}).get("card")
    return card if isinstance(card, dict) else {}


def _wanted(product: Any) -> str | None:
    """The image a product names, if it has none of ours yet."""
    if not isinstance(product, dict):
        return None
    image = product.get("image")
    return image if isinstance(image, str) and image and "photo" not in product else None


def card_image_url(message: dict[str, Any]) -> str | None:
    """The image a product card names, if it has none of ours yet."""
    return _wanted(_card(message)) if message.get("kind") == "product" else None


def order_item_urls(message: dict[str, Any]) -> dict[int, str]:
    """The images an order card's items name (by index), where they have none of ours yet."""
    if message.get("kind") != "order":
        return {}
    items = _card(message).get("items")
    found = {i: _wanted(item) for i, item in enumerate(items if isinstance(items, list) else [])}
    return {i: url for i, url in found.items() if url is not None}


class CardImageFetcher:
    def __init__(self, card_images: CardImages) -> None:
        self.card_images = card_images

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe(
            MessagePosted,
            self.on_message,
            # Its own lane per message: a slow image host never delays the next card's.
            key=lambda event: ("card image", event.message["id"]),
            when=lambda event: bool(
                card_image_url(event.message) or order_item_urls(event.message)
            ),
        )
        dispatcher.subscribe(
            ContextImageWanted,
            self.on_context,
            # Per visitor, in order: the last product reported is the one that stays.
            key=lambda event: ("context image", event.visitor_id),
        )

    async def on_message(self, event: MessagePosted) -> None:
        message_id = int(event.message["id"])
        url = card_image_url(event.message)
        if url is not None:
            await self.card_images.do_attach(event.shop_id, message_id, url)
        items = order_item_urls(event.message)
        if items:
            await self.card_images.do_attach_items(event.shop_id, message_id, items)

    async def on_context(self, event: ContextImageWanted) -> None:
        await self.card_images.do_attach_context(event)

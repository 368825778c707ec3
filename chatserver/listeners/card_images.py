"""Product cards get their image after the ack: the message is stored and told first, then the
image is fetched in the background (actions/card_images.py) and the card updated."""

from __future__ import annotations

from typing import Any

from chatserver.actions.card_images import CardImages
from chatserver.dispatch import Dispatcher
from chatserver.domain.events import MessagePosted


def card_image_url(message: dict[str, Any]) -> str | None:
    """The image a product card names, if it has none of ours yet."""
    if message.get("kind") != "product":
        return None
    card = (message.get("meta") or {}).get("card") or {}
    image = card.get("image")
    return image if isinstance(image, str) and "photo" not in card else None


class CardImageFetcher:
    def __init__(self, card_images: CardImages) -> None:
        self.card_images = card_images

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe(
            MessagePosted,
            self.on_message,
            # Its own lane per message: a slow image host never delays the next card's.
            key=lambda event: ("card image", event.message["id"]),
            when=lambda event: card_image_url(event.message) is not None,
        )

    async def on_message(self, event: MessagePosted) -> None:
        url = card_image_url(event.message)
        if url is not None:
            await self.card_images.do_attach(event.shop_id, int(event.message["id"]), url)

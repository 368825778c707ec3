"""Photo URLs minted when a message is serialized for its reader.

A message stores its photo's keys (`meta.image.key`, `thumb_key`); what a reader gets instead is
`meta.image = {url, thumb_url, width, height, …}` with URLs signed under SECRET_KEY that expire
(domain/media_links.py). They are minted wherever a Message is built (views/wire.py), so the
history read an hour later carries fresh ones, and only those who are sent the message (its
shopper, its agents) ever hold them.

The signer is one per process, installed by chatserver/wiring.py at start: every message
serialization in the process uses it, and threading it through every view and action that
builds a Message would change them all for one field.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chatserver.domain import media_links

# What a stored photo carries besides its keys, passed to readers as is.
_SHOWN = ("width", "height", "thumb_width", "thumb_height")


class MediaLinks:
    def __init__(self, secret_key: str, clock: Callable[[], float] = time.time) -> None:
        self._key = media_links.signing_key(secret_key)
        self._clock = clock

    def url(self, media_key: str) -> str:
        exp = media_links.expiry(self._clock())
        return media_links.signed_path(self._key, media_key, exp)

    def allows(self, media_key: str, exp: str | None, sig: str | None) -> bool:
        return media_links.verify(self._key, media_key, exp, sig, self._clock())

    def image(self, stored: dict[str, Any]) -> dict[str, Any]:
        """The reader's view of a stored photo: signed URLs instead of storage keys."""
        shown = {name: stored[name] for name in _SHOWN if name in stored}
        return {"url": self.url(stored["key"]), "thumb_url": self.url(stored["thumb_key"]), **shown}


_installed: MediaLinks | None = None


def install(links: MediaLinks) -> None:
    global _installed
    _installed = links


def _links() -> MediaLinks:
    if _installed is None:
        raise RuntimeError("media links are not installed (chatserver/wiring.py)")
    return _installed


def _stored(value: Any) -> bool:
    return isinstance(value, dict) and "key" in value


def _with_photo(card: dict[str, Any]) -> dict[str, Any]:
    """A product (a card, an order's item, the product on screen) with its fetched image's keys
    turned into signed URLs."""
    if _stored(card.get("photo")):
        return {**card, "photo": _links().image(card["photo"])}
    return card


def present_meta(meta: dict[str, Any] | None) -> dict[str, Any]:
    """A message's meta as its reader sees it: a photo's (`image`), a product card's and an
    order card's items' fetched images' (`card.photo`, `card.items[].photo`) keys become
    signed URLs."""
    if not meta:
        return {}
    card = meta.get("card")
    if isinstance(card, dict):
        card = _with_photo(card)
        items = card.get("items")
        if isinstance(items, list):
            card = {**card, "items": [_with_photo(i) if isinstance(i, dict) else i for i in items]}
        meta = {**meta, "card": card}
    if _stored(meta.get("image")):
        meta = {**meta, "image": _links().image(meta["image"])}
    return meta


def present_context(context: dict[str, Any] | None) -> dict[str, Any] | None:
    """A visitor's context as staff see it: the product on screen's fetched image signed."""
    product = (context or {}).get("product")
    if context is None or not isinstance(product, dict):
        return context
    return {**context, "product": _with_photo(product)}

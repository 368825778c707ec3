"""An edit of the FAQ or standard phrases reaches this process's bot at once (the others look
at the shop's revision within a second)."""

from __future__ import annotations

from chatserver.dispatch import Dispatcher
from chatserver.domain.events import CatalogChanged
from chatserver.services.faq_registry import FaqRegistry


class CatalogWatcher:
    def __init__(self, faq: FaqRegistry) -> None:
        self.faq = faq

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe(CatalogChanged, self.on_change)

    async def on_change(self, event: CatalogChanged) -> None:
        self.faq.recheck_soon(event.shop_id)

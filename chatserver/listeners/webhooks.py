"""Webhooks are a listener: after a commit that queued deliveries (db/webhook_outbox.py wrote
them in the fact's own transaction and recorded `WebhooksQueued`), the delivery worker is woken
at once; a commit that queued none wakes nothing. If this process dies first, nothing is lost:
the rows are stored, and any process's worker finds them."""

from __future__ import annotations

from chatserver.dispatch import Dispatcher
from chatserver.domain.events import WebhooksQueued
from chatserver.services.webhook_delivery import WebhookSender


class WebhookWaker:
    def __init__(self, sender: WebhookSender) -> None:
        self.sender = sender

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # Keyed by shop: a burst of messages wakes the worker once, not once per message.
        dispatcher.subscribe_batches(
            [WebhooksQueued], self.on_queued, key=lambda event: event.shop_id
        )

    async def on_queued(self, _events: list[WebhooksQueued]) -> None:
        self.sender.kick()

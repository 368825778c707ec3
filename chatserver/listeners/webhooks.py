"""Webhooks are a listener: after a commit that queued deliveries (db/webhook_outbox.py wrote
them in the fact's own transaction), the delivery worker is woken at once. If this process
dies first, nothing is lost: the rows are stored, and any process's worker finds them."""

from __future__ import annotations

from chatserver.dispatch import Dispatcher
from chatserver.domain.events import (
    ChatAssigned,
    ChatClosed,
    ChatCreated,
    ChatQueued,
    ChatRated,
    ConversationFact,
    MessagePosted,
    SlaAlerted,
)
from chatserver.services.webhook_delivery import WebhookSender

WEBHOOK_FACTS: tuple[type[ConversationFact], ...] = (
    ChatCreated,
    ChatQueued,
    ChatAssigned,
    MessagePosted,
    ChatClosed,
    ChatRated,
    SlaAlerted,
)


class WebhookWaker:
    def __init__(self, sender: WebhookSender) -> None:
        self.sender = sender

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # Keyed by shop: a burst of messages wakes the worker once, not once per message.
        dispatcher.subscribe_batches(
            list(WEBHOOK_FACTS), self.on_facts, key=lambda event: event.shop_id
        )

    async def on_facts(self, _events: list[ConversationFact]) -> None:
        self.sender.kick()

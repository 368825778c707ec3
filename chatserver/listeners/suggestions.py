"""Ready answers for the agent: the shop's best FAQ answers and standard phrases for the
shopper's last message, whenever a shopper writes to an agent or a chat reaches one."""

from __future__ import annotations

import logging

from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.cards import CARD_KINDS
from chatserver.domain.events import ChatAssigned, MessagePosted, SuggestionsFound
from chatserver.services.faq_registry import FaqRegistry
from chatserver.views.conversations import ConversationViews

log = logging.getLogger(__name__)


class Suggestions:
    def __init__(
        self, faq: FaqRegistry, conversations: ConversationViews, dispatcher: Dispatcher
    ) -> None:
        self.faq = faq
        self.conversations = conversations
        self.dispatcher = dispatcher

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # In batches per chat: a shopper who writes three lines while the first is matched gets
        # suggestions for the last one, not three rankings the agent sees replaced at once.
        dispatcher.subscribe_batches(
            MessagePosted,
            self.on_messages,
            key=lambda e: e.lane,
            # A photo or a card has no words to match answers against.
            when=lambda e: (
                e.sender == "visitor"
                and e.status == states.ASSIGNED
                and bool(e.agent_id)
                and e.message.get("kind") not in ("image", *CARD_KINDS)
            ),
        )
        dispatcher.subscribe(ChatAssigned, self.on_assigned)

    async def on_messages(self, events: list[MessagePosted]) -> None:
        latest = events[-1]
        assert latest.agent_id is not None
        await self.suggest(latest.shop_id, latest.agent_id, latest.conversation_id, latest.text)

    async def on_assigned(self, event: ChatAssigned) -> None:
        text = await self.conversations.last_visitor_text(event.conversation_id)
        if text is not None:
            await self.suggest(event.shop_id, event.agent_id, event.conversation_id, text)

    async def suggest(self, shop_id: int, agent_id: int, conversation_id: int, text: str) -> None:
        items = await self.faq.agent_suggestions(shop_id, text)
        self.dispatcher.publish(SuggestionsFound(conversation_id, shop_id, agent_id, items))

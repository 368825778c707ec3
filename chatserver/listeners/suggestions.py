"""Ready answers for the agent: the shop's best FAQ answers and standard phrases for the
shopper's last message, whenever a shopper writes to an agent or a chat reaches one, and
the agent's panel shows that chat (or never said which chat it shows)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.cards import CARD_KINDS
from chatserver.domain.events import ChatAssigned, ChatFocused, MessagePosted, SuggestionsFound
from chatserver.services.faq_registry import FaqRegistry
from chatserver.views.conversations import ConversationViews

log = logging.getLogger(__name__)


def _worth_matching(event: MessagePosted | ChatFocused) -> bool:
    """A shopper's line to the agent serving the chat; a photo or a card has no words to match
    answers against."""
    if isinstance(event, ChatFocused):
        return True
    return (
        event.sender == "visitor"
        and event.status == states.ASSIGNED
        and bool(event.agent_id)
        and event.message.get("kind") not in ("image", *CARD_KINDS)
    )


class Suggestions:
    def __init__(
        self,
        faq: FaqRegistry,
        conversations: ConversationViews,
        dispatcher: Dispatcher,
        shown: Callable[[int, int], Awaitable[bool]],
    ) -> None:
        """`shown(agent_id, conversation_id)`: some panel of the agent shows the chat."""
        self.faq = faq
        self.conversations = conversations
        self.dispatcher = dispatcher
        self.shown = shown

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # In batches per chat: a shopper who writes three lines while the first is matched gets
        # suggestions for the last one, not three rankings the agent sees replaced at once. The
        # agent opening the chat (`focus`) is in the same queue, so its suggestions and a new
        # line's are found in the order they happened, never the older ones last.
        dispatcher.subscribe_batches(
            [MessagePosted, ChatFocused],
            self.on_lines,
            key=lambda e: e.lane,
            when=_worth_matching,
        )
        dispatcher.subscribe(ChatAssigned, self.on_assigned)

    async def on_lines(self, events: list[MessagePosted | ChatFocused]) -> None:
        latest = events[-1]
        if isinstance(latest, ChatFocused):
            await self.suggest_last(latest.shop_id, latest.agent_id, latest.conversation_id)
            return
        assert latest.agent_id is not None
        # A chat in the background gets its suggestions when the agent opens it (`focus`).
        if not await self.shown(latest.agent_id, latest.conversation_id):
            return
        await self.suggest(latest.shop_id, latest.agent_id, latest.conversation_id, latest.text)

    async def on_assigned(self, event: ChatAssigned) -> None:
        if not await self.shown(event.agent_id, event.conversation_id):
            return
        await self.suggest_last(event.shop_id, event.agent_id, event.conversation_id)

    async def suggest_last(self, shop_id: int, agent_id: int, conversation_id: int) -> None:
        """For the shopper's last text in the chat, if they wrote any."""
        text = await self.conversations.last_visitor_text(conversation_id)
        if text is not None:
            await self.suggest(shop_id, agent_id, conversation_id, text)

    async def suggest(self, shop_id: int, agent_id: int, conversation_id: int, text: str) -> None:
        items = await self.faq.agent_suggestions(shop_id, text)
        self.dispatcher.publish(SuggestionsFound(conversation_id, shop_id, agent_id, items))

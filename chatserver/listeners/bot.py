"""The bot answers each shopper message of a chat it still owns, one at a time, in order."""

from __future__ import annotations

from chatserver.actions.bot import BotTurns
from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.cards import CARD_KINDS
from chatserver.domain.events import MessagePosted


class BotListener:
    def __init__(self, turns: BotTurns) -> None:
        self.turns = turns

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe(
            MessagePosted,
            self.on_message,
            # A product or order card is context for the question that follows, not one.
            when=lambda event: (
                event.sender == "visitor"
                and event.status == states.BOT
                and event.message.get("kind") not in CARD_KINDS
            ),
        )

    async def on_message(self, event: MessagePosted) -> None:
        await self.turns.do_bot_turn(
            event.conversation_id,
            event.shop_id,
            event.text,
            event.faq_id,
            event.posted_at,
            message_id=int(event.message["id"]),
            photo=event.message.get("kind") == "image",
        )

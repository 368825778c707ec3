"""What the bot learns from, heard after the fact: a chat going to a person right after the
bot answered (that answer did not help), and an agent answering with an FAQ suggestion (the
shopper's words are proposed as a similar question)."""

from __future__ import annotations

from chatserver.actions.bot_gaps import BotGaps
from chatserver.actions.proposals import Proposals
from chatserver.db.models import utcnow
from chatserver.dispatch import Dispatcher
from chatserver.domain.events import ChatQueued, MessagePosted


class LearningListener:
    def __init__(self, gaps: BotGaps, proposals: Proposals) -> None:
        self.gaps = gaps
        self.proposals = proposals

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # bot_unsure: the bot gave up itself, and that question is already a gap.
        dispatcher.subscribe(
            ChatQueued, self.on_queued, when=lambda event: event.reason != "bot_unsure"
        )
        dispatcher.subscribe(
            MessagePosted,
            self.proposals.do_propose,
            when=lambda event: event.sender == "agent" and event.faq_id is not None,
        )

    async def on_queued(self, event: ChatQueued) -> None:
        await self.gaps.do_note_escalation(event.conversation_id, utcnow())

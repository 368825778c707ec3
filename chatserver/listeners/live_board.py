"""The supervisors' live board: after anything that changes what the live view shows (a chat
queued, assigned, transferred, closed; an agent's status; a message that starts or stops a
response clock; a supervisor's action), the shop's board is read again and published.

Only for a shop whose live view is open somewhere (a page that opens later reads its first board
itself). Debounced per shop: one run at a time, and each run (built or not) is followed by a
short pause, so a burst of a hundred changes in a busy shop costs one or two snapshots, never
one per change. The page ticks the clocks itself between updates from their start times.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.events import (
    AgentStatusChanged,
    ChatAssigned,
    ChatClosed,
    ChatQueued,
    ChatReturned,
    ChatTransferred,
    Event,
    LiveBoardChanged,
    MessagePosted,
    SupervisorActed,
)
from chatserver.views.supervision import SupervisionViews

log = logging.getLogger(__name__)

# At most about one board per shop per this many seconds.
DEBOUNCE_SECONDS = 0.5

Changes = (
    ChatQueued
    | ChatAssigned
    | ChatReturned
    | ChatClosed
    | ChatTransferred
    | AgentStatusChanged
    | MessagePosted
    | SupervisorActed
)


def _moves_a_clock(event: Event) -> bool:
    # Only a shopper's or agent's line in a chat a person owes an answer to starts or stops a
    # response clock; the bot's chatter before handoff changes nothing on the board.
    if isinstance(event, MessagePosted):
        return event.status in (states.QUEUED, states.ASSIGNED) and event.message.get("sender") in (
            "visitor",
            "agent",
        )
    return True


class LiveBoard:
    def __init__(
        self,
        views: SupervisionViews,
        dispatcher: Dispatcher,
        has_live_view: Callable[[int], Awaitable[bool]],
        *,
        debounce_seconds: float = DEBOUNCE_SECONDS,
    ) -> None:
        self.views = views
        self.dispatcher = dispatcher
        self.has_live_view = has_live_view
        self.debounce_seconds = debounce_seconds

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe_batches(
            [
                ChatQueued,
                ChatAssigned,
                ChatReturned,
                ChatClosed,
                ChatTransferred,
                AgentStatusChanged,
                MessagePosted,
                SupervisorActed,
            ],
            self.on_changes,
            key=lambda event: event.shop_id,
            when=_moves_a_clock,
        )

    async def on_changes(self, events: list[Changes]) -> None:
        shop_id = events[0].shop_id
        if await self.has_live_view(shop_id):
            board = await self.views.board(shop_id)
            self.dispatcher.publish(LiveBoardChanged(shop_id, board))
        # Whatever arrives meanwhile waits for the next run: the debounce. Also when nobody
        # watches: asking that (a query) once per message was one statement in ten.
        await asyncio.sleep(self.debounce_seconds)

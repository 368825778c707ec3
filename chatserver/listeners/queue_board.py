"""The queue board: after anything that changes the waiting line, route waiting chats to free
agents, then show everyone the line as it now stands.

Per shop, one run at a time; whatever arrives during a run is handled by one more run, so a
burst of a hundred changes costs a few snapshots, not a hundred.
"""

from __future__ import annotations

from chatserver.actions.assignment import Assignment
from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.events import (
    AgentStatusChanged,
    ChatAssigned,
    ChatClosed,
    ChatQueued,
    ChatReturned,
    Event,
    MessagePosted,
    QueueChanged,
)
from chatserver.views.queue import QueueViews

Affecting = (
    ChatQueued | ChatAssigned | ChatReturned | ChatClosed | AgentStatusChanged | MessagePosted
)


def _frees_or_fills(event: Event) -> bool:
    """Could this let a waiting chat be routed now?"""
    if isinstance(event, ChatQueued | ChatReturned | ChatClosed):
        return True
    return isinstance(event, AgentStatusChanged) and event.status == "online"


def _changes_the_line(event: Event) -> bool:
    # A shopper writing while queued changes the list's last message; other messages don't.
    return not isinstance(event, MessagePosted) or event.status == states.QUEUED


class QueueBoard:
    def __init__(self, assignment: Assignment, queue: QueueViews, dispatcher: Dispatcher) -> None:
        self.assignment = assignment
        self.queue = queue
        self.dispatcher = dispatcher

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe_batches(
            [ChatQueued, ChatAssigned, ChatReturned, ChatClosed, AgentStatusChanged, MessagePosted],
            self.on_changes,
            key=lambda event: event.shop_id,
            when=_changes_the_line,
        )

    async def on_changes(self, events: list[Affecting]) -> None:
        shop_id = events[0].shop_id
        if any(_frees_or_fills(event) for event in events):
            await self.assignment.do_route_waiting(shop_id)
        await self.refresh(shop_id)

    async def refresh(self, shop_id: int) -> None:
        items, positions = await self.queue.snapshot(shop_id)
        self.dispatcher.publish(QueueChanged(shop_id, items, positions))

"""The queue board: after anything that changes the waiting line, route waiting chats to free
agents, then show everyone the line as it now stands.

Per shop, one run at a time; whatever arrives during a run is handled by one more run, so a
burst of a hundred changes costs a few snapshots, not a hundred. A sweep every few seconds asks
again for every shop with waiting chats, so a routing run that failed (database briefly down)
or a process that died between a handoff and its routing never leaves a chat waiting for good.
"""

from __future__ import annotations

import asyncio
import logging

from chatserver.actions.assignment import Assignment
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
    FlagChanged,
    MessagePosted,
    QueueChanged,
    RoutingRequested,
)
from chatserver.views.queue import QueueViews

log = logging.getLogger(__name__)

Affecting = (
    ChatQueued
    | ChatAssigned
    | ChatReturned
    | ChatClosed
    | ChatTransferred
    | AgentStatusChanged
    | MessagePosted
    | RoutingRequested
    | FlagChanged
)


SWEEP_SECONDS = 15.0


def _frees_or_fills(event: Event) -> bool:
    """Could this let a waiting chat be routed now?"""
    if isinstance(event, ChatQueued | ChatReturned | ChatClosed | RoutingRequested):
        return True
    if isinstance(event, ChatTransferred):
        return event.to_group_id is not None
    return isinstance(event, AgentStatusChanged) and event.status == "online"


def _changes_the_line(event: Event) -> bool:
    # A shopper writing while queued changes the list's last message; other messages don't.
    # A waiting chat's flag shows in the list too.
    if isinstance(event, MessagePosted | FlagChanged):
        return event.status == states.QUEUED
    return True


class QueueBoard:
    def __init__(self, assignment: Assignment, queue: QueueViews, dispatcher: Dispatcher) -> None:
        self.assignment = assignment
        self.queue = queue
        self.dispatcher = dispatcher
        self._sweeper: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                for shop_id in await self.queue.shops_with_waiting_chats():
                    self.dispatcher.publish(RoutingRequested(shop_id))
            except Exception:
                log.exception("routing sweep failed")

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
                RoutingRequested,
                FlagChanged,
            ],
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
        line = await self.queue.snapshot(shop_id)
        self.dispatcher.publish(QueueChanged(shop_id, line.items, line.positions, line.as_of_seq))

"""The dispatcher: hands committed domain events to the listeners that care, in commit order.

A transaction reserves a place in a lane (one per conversation, agent or shop) when it records
its first event there, which happens while it holds that row's lock; it fills the place after
commit, or gives it up on rollback. Lanes therefore release events in commit order even when
two coroutines finish their commits in the other order.

Each listener then gets the events of one lane one at a time, in that order, on a task of its
own: a slow listener (the bot) never delays a fast one (the realtime fan-out), and nothing a
listener does delays the acknowledgement, which is sent once the commit is done. A failing
listener is logged; the fact it was told about is already stored. A listener that failed only
because the database was briefly out of reach (a restart, a dropped connection: what
`retry_when` recognises) is called again with the same events after a short wait, so a shopper
still gets the bot's answer after PostgreSQL restarts; its lane waits meanwhile, keeping order.

A listener subscribed with `subscribe_batches` receives everything that arrived while it was
busy as one batch: the queue board recomputes one snapshot for fifty queue changes, not fifty.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from chatserver.domain.events import Event

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)


class Slot:
    """A place in a lane, reserved inside a transaction and filled after its commit."""

    __slots__ = ("events", "settled")

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.settled = False


@dataclass
class _Listener:
    name: str
    types: tuple[type[Event], ...]
    handler: Callable[[Any], Awaitable[None]]
    key: Callable[[Any], Hashable]
    when: Callable[[Any], bool] | None
    coalesce: bool
    # Per key: events waiting for this listener, and whether a task is working on them.
    pending: dict[Hashable, deque[Event]] = field(default_factory=dict)


# Waits before each new attempt of a listener that failed transiently: about 16 s in all,
# enough for a database restart, short enough that a lasting outage is logged and dropped.
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)


def _never(_error: BaseException) -> bool:
    return False


class Dispatcher:
    def __init__(
        self,
        retry_when: Callable[[BaseException], bool] = _never,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self._retry_when = retry_when
        self._retry_delays = tuple(retry_delays)
        self._listeners: list[_Listener] = []
        self._by_type: dict[type[Event], list[_Listener]] = {}
        self._lanes: dict[Hashable, deque[Slot]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    # ---- wiring --------------------------------------------------------------------------

    def subscribe(
        self,
        types: type[E] | Sequence[type[E]],
        handler: Callable[[E], Awaitable[None]],
        *,
        key: Callable[[E], Hashable] | None = None,
        when: Callable[[E], bool] | None = None,
    ) -> None:
        """`handler(event)` for each event of these types (that `when` accepts), in commit
        order per `key` (default: the event's lane, i.e. its conversation)."""
        self._add(types, handler, key, when, coalesce=False)

    def subscribe_batches(
        self,
        types: type[E] | Sequence[type[E]],
        handler: Callable[[list[E]], Awaitable[None]],
        *,
        key: Callable[[E], Hashable],
        when: Callable[[E], bool] | None = None,
    ) -> None:
        """`handler(events)` with every event of one key that arrived while it was busy."""
        self._add(types, handler, key, when, coalesce=True)

    def _add(self, types: Any, handler: Any, key: Any, when: Any, *, coalesce: bool) -> None:
        type_list: tuple[type[Event], ...] = (
            tuple(types) if isinstance(types, list | tuple) else (types,)
        )
        name = getattr(handler, "__qualname__", repr(handler))
        listener = _Listener(
            name, type_list, handler, key or (lambda event: event.lane), when, coalesce
        )
        self._listeners.append(listener)
        for event_type in type_list:
            self._by_type.setdefault(event_type, []).append(listener)

    # ---- from transactions ---------------------------------------------------------------

    def reserve(self, lane: Hashable) -> Slot:
        slot = Slot()
        self._lanes.setdefault(lane, deque()).append(slot)
        self._idle.clear()
        return slot

    def settle(self, lane: Hashable, slot: Slot, events: list[Event] | None) -> None:
        """Fill the slot with its committed events, or give it up (None: rolled back)."""
        slot.events = events or []
        slot.settled = True
        queue = self._lanes.get(lane)
        while queue and queue[0].settled:
            for event in queue.popleft().events:
                self._deliver(event)
        if queue is not None and not queue:
            del self._lanes[lane]
        self._check_idle()

    def publish(self, *events: Event) -> None:
        """Events that change no stored state (typing, derived notices): delivered at once,
        still behind whatever their lane is waiting for."""
        for event in events:
            lane = event.lane
            self.settle(lane, self.reserve(lane), [event])

    # ---- to listeners --------------------------------------------------------------------

    def _deliver(self, event: Event) -> None:
        if self._closed:
            return
        for listener in self._by_type.get(type(event), ()):
            try:
                if listener.when is not None and not listener.when(event):
                    continue
                key = listener.key(event)
            except Exception:
                # A listener's own bug must not stop the lane for everyone else.
                log.exception("listener %s could not take %s", listener.name, type(event).__name__)
                continue
            waiting = listener.pending.get(key)
            if waiting is not None:
                waiting.append(event)
                continue
            listener.pending[key] = deque([event])
            task = asyncio.get_running_loop().create_task(self._run(listener, key))
            self._tasks.add(task)
            task.add_done_callback(self._finished)

    async def _run(self, listener: _Listener, key: Hashable) -> None:
        waiting = listener.pending[key]
        try:
            while waiting:
                if listener.coalesce:
                    batch = list(waiting)
                    waiting.clear()
                    await self._call(listener, batch)
                else:
                    await self._call(listener, waiting[0])
                    waiting.popleft()
        finally:
            del listener.pending[key]

    async def _call(self, listener: _Listener, argument: Any) -> None:
        for attempt in range(len(self._retry_delays) + 1):
            try:
                await listener.handler(argument)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if attempt == len(self._retry_delays) or not self._retry_when(error):
                    log.exception("listener %s failed", listener.name)
                    return
                log.warning(
                    "listener %s failed (%s), trying again", listener.name, type(error).__name__
                )
                await asyncio.sleep(self._retry_delays[attempt])

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._check_idle()

    def _check_idle(self) -> None:
        if not self._tasks and not self._lanes:
            self._idle.set()
        else:
            self._idle.clear()

    # ---- lifecycle -----------------------------------------------------------------------

    async def drain(self) -> None:
        """Wait until every listener has handled everything, including what they caused."""
        while not self._idle.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    async def close(self) -> None:
        """Shutdown: stop listeners still running, while the database is still open. A
        cancelled listener's rollback settles its slot, which would start new work: after
        close nothing is delivered any more."""
        self._closed = True
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

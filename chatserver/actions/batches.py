"""Group commit for connects, and batches of work in general: requests that arrive while a batch is being handled wait for the
next one, which handles all of them in one transaction.

Under load the batches grow by themselves (one transaction's statements shared by up to
`max_batch` shoppers), and a lone request still goes straight through. Used by new shoppers
(actions/new_shoppers.py) and resuming ones (actions/resuming_shoppers.py), and for the bot's
questions (services/faq_registry.py: one `match_many` per shop and batch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

R = TypeVar("R")
T = TypeVar("T")

# Handles one batch: one result per request, in order; an exception in the list fails only
# its request, one raised fails the whole batch.
Handle = Callable[[list[R]], Awaitable[Sequence[T | BaseException]]]


class Batches(Generic[R, T]):
    def __init__(self, handle: Handle[R, T], max_batch: int) -> None:
        self.handle = handle
        self.max_batch = max_batch
        self._waiting: list[tuple[R, asyncio.Future[T]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, request: R) -> T:
        """The request's result once its batch is done (its exception, raised here)."""
        loop = asyncio.get_running_loop()
        if self._running is not None and self._running.get_loop() is not loop:
            # Left behind by an event loop that is gone: that handler never runs again, and
            # the requests of that loop died with it.
            self._running = None
            self._waiting = [(r, f) for r, f in self._waiting if f.get_loop() is loop]
        future: asyncio.Future[T] = loop.create_future()
        # Read the outcome even when nobody awaits it any more (the shopper hung up), so a
        # refused batch is not also logged as "exception was never retrieved".
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._waiting.append((request, future))
        if self._running is None:
            self._running = asyncio.create_task(self._handle_all())
        # A shield: a shopper who hangs up mid-batch leaves the batch to finish for the rest.
        return await asyncio.shield(future)

    async def _handle_all(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                self._waiting = self._waiting[self.max_batch :]
                try:
                    results = await self.handle([request for request, _ in batch])
                except asyncio.CancelledError:
                    # Stopping: nobody may wait for ever on a batch that will not be handled.
                    for _, future in batch + self._waiting:
                        future.cancel()
                    self._waiting = []
                    raise
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._running = None

"""The group-commit batches (actions/batches.py) never leave a request waiting for ever: a
batch stopped mid-way (the server shutting down) cancels its requests and the ones queued
behind it, and batches created under one event loop keep working under the next."""

from __future__ import annotations

import asyncio

import pytest

from chatserver.actions.batches import Batches


async def test_a_stopped_batch_cancels_its_requests_and_the_queued_ones() -> None:
    started = asyncio.Event()

    async def never_done(requests: list[int]) -> list[int]:
        started.set()
        await asyncio.Event().wait()
        return requests

    batches: Batches[int, int] = Batches(never_done, max_batch=1)
    first = asyncio.create_task(batches.submit(1))
    second = asyncio.create_task(batches.submit(2))  # queued behind the first batch
    await started.wait()
    runner = batches._running
    assert runner is not None
    runner.cancel()
    for request in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(request, timeout=5)


def test_batches_outlive_the_event_loop_they_started_under() -> None:
    async def doubled(requests: list[int]) -> list[int]:
        await asyncio.sleep(0)
        return [2 * request for request in requests]

    batches: Batches[int, int] = Batches(doubled, max_batch=8)

    async def abandon() -> None:
        # The loop ends while the batch's handler has not run yet.
        asyncio.get_running_loop().create_task(batches.submit(1))

    asyncio.run(abandon())

    async def ask() -> int:
        return await asyncio.wait_for(batches.submit(21), timeout=5)

    assert asyncio.run(ask()) == 42

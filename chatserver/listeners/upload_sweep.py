"""Every few minutes, remove the photos uploaded and never posted (the shopper closed the page
mid-way, an agent changed their mind) once they are older than the shop's setting.

Every process may sweep: the removal is conditional on the row, so two sweeps never remove a
photo twice and never one that was posted meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from chatserver.actions.photos import Photos
from chatserver.db.models import utcnow

log = logging.getLogger(__name__)

SWEEP_SECONDS = 600.0
BATCH = 500


class UnsentUploadSweep:
    def __init__(
        self, photos: Photos, *, keep: timedelta, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.photos = photos
        self.keep = keep
        self.clock = clock
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.run_once()
            except Exception:
                log.exception("removing unsent uploads failed")

    async def run_once(self, now: datetime | None = None) -> int:
        """Remove what is due: how many photos went."""
        cutoff = (now or self.clock()) - self.keep
        removed = 0
        while True:
            batch = await self.photos.do_remove_unsent(cutoff, batch=BATCH)
            removed += batch
            if batch < BATCH:
                break
        if removed:
            log.info("removed %d photos uploaded and never posted", removed)
        return removed

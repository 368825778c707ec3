"""The SLA watch: every tick, fire the warnings and breaches that came due and hand on chats
left unanswered past the shop's limit.

Each tick derives the clocks from the stored times and compares them with the stored alert
rows, so a restart in the middle neither loses nor repeats one (views/sla_due.py remembers
only which chats cannot have anything due yet).
With Redis, only the process holding the leader lock ticks (services/leader.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from chatserver.actions.sla import SlaActions
from chatserver.db.engine import Database
from chatserver.db.models import utcnow
from chatserver.services.leader import Leadership
from chatserver.views.sla import Rules, RulesKey
from chatserver.views.sla_due import DueChats

log = logging.getLogger(__name__)


class SlaWatch:
    def __init__(
        self,
        db: Database,
        actions: SlaActions,
        lock: Leadership,
        *,
        tick_seconds: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`tick_seconds` 0 runs no ticks of its own (a test drives `run_once`); `clock` is
        the time source."""
        self.db = db
        self.actions = actions
        self.lock = lock
        self.tick_seconds = tick_seconds
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._due = DueChats()

    def start(self) -> None:
        if self.tick_seconds > 0:
            self._task = asyncio.get_running_loop().create_task(self._tick_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.lock.release()

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self.run_once()
            except Exception:
                log.exception("SLA tick failed")

    async def run_once(self, now: datetime | None = None) -> int | None:
        """One tick: how many alerts were fired, None when another process leads."""
        if not await self.lock.hold():
            return None
        at = now or self.clock()
        alerting, unanswered = await self._due.scan(self.db, at)
        for conversation_id in unanswered:
            try:
                await self.actions.do_reassign_unanswered(conversation_id, at)
            except Exception:
                log.exception("re-assigning conversation %s failed", conversation_id)
        fired = 0
        rules: dict[RulesKey, Rules] = {}  # read once a tick, not once a chat
        for conversation_id in alerting:
            try:
                fired += await self.actions.do_fire_due(conversation_id, at, rules)
            except Exception:
                log.exception("SLA alerts of conversation %s failed", conversation_id)
        return fired

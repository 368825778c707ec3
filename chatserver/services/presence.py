"""Which agents are connected, and what happens when they come and go.

An agent who disconnects keeps their chats for a grace period (a flaky phone network, a page
reload); past it their chats go back to the queue, never dropped. Connections are counted in a
PresenceStore (this process, or Redis across processes), so closing one of two tabs on two
processes takes nothing away. A sweep finds agents marked present with no live connection
(after a restart or a crashed process) and gives them the same grace period.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chatserver.db.models import Agent, utcnow
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.presence_store import PresenceStore

if TYPE_CHECKING:
    from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

STATUSES = ("online", "away", "offline")


SWEEP_SECONDS = 15.0


class AgentPresence:
    def __init__(self, hub: Hub, grace_seconds: float, store: PresenceStore) -> None:
        self.hub = hub
        self.grace_seconds = grace_seconds
        self.store = store
        self._grace_timers: dict[int, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        # Connecting and expiring one agent's grace period must not interleave.
        self._agent_locks: dict[int, asyncio.Lock] = {}

    def _lock(self, agent_id: int) -> asyncio.Lock:
        return self._agent_locks.setdefault(agent_id, asyncio.Lock())

    async def is_connected(self, agent_id: int) -> bool:
        try:
            return await self.store.count(agent_id) > 0
        except Exception:
            # Presence unknown (Redis unreachable): never take chats away on a guess.
            log.warning("presence store unreachable; treating agent %s as connected", agent_id)
            return True

    async def connected(self, actor: AuthenticatedAgent, sid: str) -> list[dict[str, Any]]:
        """Register the connection; returns the open chats to replay to it."""
        agent_id = actor.agent.id
        async with self._lock(agent_id):
            await self.store.add(agent_id, actor.session_id, sid)
            timer = self._grace_timers.pop(agent_id, None)
            if timer is not None:
                timer.cancel()
            async with self.hub.db.transaction() as tx:
                agent = await tx.session.get_one(Agent, agent_id)
                if agent.status == "offline":
                    agent.status = "online"
                    agent.status_changed_at = utcnow()
        return await self.hub.queue.open_chats(agent_id)

    async def disconnected(self, agent_id: int, session_id: int, sid: str) -> None:
        await self.store.remove(agent_id, session_id, sid)
        if not await self.is_connected(agent_id):
            self._start_grace(agent_id)

    async def disconnect_session(self, session_id: int) -> None:
        """Close every socket opened with a revoked session token, on every process."""
        await self.hub.notifier.disconnect_agent_sockets(await self.store.session_sids(session_id))

    def _start_grace(self, agent_id: int) -> None:
        previous = self._grace_timers.pop(agent_id, None)
        if previous is not None:
            previous.cancel()
        self._grace_timers[agent_id] = asyncio.get_running_loop().create_task(
            self._expire_after_grace(agent_id)
        )

    async def _expire_after_grace(self, agent_id: int) -> None:
        try:
            await asyncio.sleep(self.grace_seconds)
        except asyncio.CancelledError:
            return
        async with self._lock(agent_id):
            if self._grace_timers.get(agent_id) is asyncio.current_task():
                del self._grace_timers[agent_id]
            if await self.is_connected(agent_id):
                return
            try:
                await self.hub.queue.release_agent(agent_id, reason="disconnected")
            except Exception:
                log.exception("returning chats of agent %s failed", agent_id)

    async def set_status(self, actor: AuthenticatedAgent, payload: Any) -> str:
        if not isinstance(payload, dict) or payload.get("status") not in STATUSES:
            raise invalid("status 必须是 online、away 或 offline")
        status: str = payload["status"]
        agent_id = actor.agent.id
        if status == "offline":
            await self.hub.queue.release_agent(agent_id, reason="offline")
            return status
        async with self.hub.db.transaction() as tx:
            agent = await tx.session.get(Agent, agent_id)
            if agent is None:
                raise AppError("not_found", "客服账号不存在")
            if agent.status != status:
                agent.status = status
                agent.status_changed_at = utcnow()
        if status == "online":
            await self.hub.queue.dispatch(actor.shop.id)
        return status

    async def start(self) -> None:
        await self.store.start()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("presence sweep failed")
            await asyncio.sleep(SWEEP_SECONDS)

    async def sweep(self) -> None:
        """Agents marked present with no live connection anywhere get the grace period."""
        async with self.hub.db.sessions() as session:
            ids = list(await session.scalars(select(Agent.id).where(Agent.status != "offline")))
        for agent_id in ids:
            if agent_id not in self._grace_timers and not await self.is_connected(agent_id):
                self._start_grace(agent_id)

    async def shutdown(self) -> None:
        """Stop the sweep and the timers and wait for them, while the database is still open:
        a task cancelled mid-query must finish its rollback before the engine goes away."""
        tasks = [*self._grace_timers.values()]
        if self._sweeper is not None:
            tasks.append(self._sweeper)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._grace_timers.clear()
        await self.store.stop()

"""Which agents are connected, and what happens when they come and go.

An agent who disconnects keeps their chats for a grace period (a flaky phone network, a page
reload); past it their chats go back to the queue, never dropped. Connections are counted in
this process; with several processes, give agents sticky sessions (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from chatserver.db.models import Agent, utcnow
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent

if TYPE_CHECKING:
    from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

STATUSES = ("online", "away", "offline")


class AgentPresence:
    def __init__(self, hub: Hub, grace_seconds: float) -> None:
        self.hub = hub
        self.grace_seconds = grace_seconds
        self._connections: dict[int, set[str]] = {}
        self._grace_timers: dict[int, asyncio.Task[None]] = {}
        # Connecting and expiring one agent's grace period must not interleave.
        self._agent_locks: dict[int, asyncio.Lock] = {}

    def _lock(self, agent_id: int) -> asyncio.Lock:
        return self._agent_locks.setdefault(agent_id, asyncio.Lock())

    def is_connected(self, agent_id: int) -> bool:
        return bool(self._connections.get(agent_id))

    async def connected(self, actor: AuthenticatedAgent, sid: str) -> list[dict[str, Any]]:
        """Register the connection; returns the open chats to replay to it."""
        agent_id = actor.agent.id
        async with self._lock(agent_id):
            self._connections.setdefault(agent_id, set()).add(sid)
            timer = self._grace_timers.pop(agent_id, None)
            if timer is not None:
                timer.cancel()
            async with self.hub.db.transaction() as tx:
                agent = await tx.session.get_one(Agent, agent_id)
                if agent.status == "offline":
                    agent.status = "online"
                    agent.status_changed_at = utcnow()
        return await self.hub.queue.open_chats(agent_id)

    async def disconnected(self, agent_id: int, sid: str) -> None:
        sids = self._connections.get(agent_id, set())
        sids.discard(sid)
        if sids:
            return
        self._connections.pop(agent_id, None)
        self._start_grace(agent_id)

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
            if self.is_connected(agent_id):
                return
            self._grace_timers.pop(agent_id, None)
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

    async def recover_after_restart(self) -> None:
        """Agents marked present when this process started get the grace period to come back."""
        async with self.hub.db.sessions() as session:
            ids = list(await session.scalars(select(Agent.id).where(Agent.status != "offline")))
        for agent_id in ids:
            if not self.is_connected(agent_id):
                self._start_grace(agent_id)

    async def shutdown(self) -> None:
        for timer in self._grace_timers.values():
            timer.cancel()
        self._grace_timers.clear()

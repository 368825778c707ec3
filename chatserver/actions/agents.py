"""An agent's availability: online takes chats, away keeps them, offline hands them back."""

from __future__ import annotations

from chatserver.actions.assignment import Assignment
from chatserver.commands.chat import SetStatus
from chatserver.db.engine import Database
from chatserver.db.models import Agent, utcnow
from chatserver.db.records import lock_row
from chatserver.domain.events import AgentStatusChanged
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent


class AgentAvailability:
    def __init__(self, db: Database, assignment: Assignment) -> None:
        self.db = db
        self.assignment = assignment

    async def do_set_status(self, actor: AuthenticatedAgent, command: SetStatus) -> str:
        if command.status == "offline":
            await self.assignment.do_release_agent(actor.agent.id, reason="offline")
            return command.status
        async with self.db.transaction() as tx:
            agent = await lock_row(tx.session, Agent, actor.agent.id)
            if agent is None:
                raise AppError("not_found", "客服账号不存在")
            if agent.status != command.status:
                agent.status = command.status
                agent.status_changed_at = utcnow()
            # Told even when unchanged: an agent saying "online" again wants waiting chats now.
            tx.record(AgentStatusChanged(agent.id, agent.shop_id, command.status))
        return command.status

    async def do_come_online(self, agent_id: int) -> None:
        """Connecting makes an offline agent online (an away agent stays away)."""
        async with self.db.transaction() as tx:
            agent = await lock_row(tx.session, Agent, agent_id)
            if agent is None:
                return
            if agent.status == "offline":
                agent.status = "online"
                agent.status_changed_at = utcnow()
            tx.record(AgentStatusChanged(agent.id, agent.shop_id, agent.status))

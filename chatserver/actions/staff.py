"""The admin console's agents: create, change role / groups / max chats, reset the password,
disable and enable. Admins only (checked at the edge and here); every change is a
`staff_changes` row written in the same transaction.

Disabling revokes every session (the caller closes their sockets on every process), returns the
agent's open chats to their groups' queues and keeps them out of routing; an admin cannot lock
the shop out (disable or demote the last admin, or themselves).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.assignment import release_agent
from chatserver.commands.staff import CreateAgent, ResetPassword, UpdateAgent
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Agent, AgentSession, Group, GroupMember, StaffChange, utcnow
from chatserver.db.records import lock_row
from chatserver.domain.events import AgentStatusChanged
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent, create_agent, hash_password


def check_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改客服和分组")


def record_change(
    tx: Transaction,
    actor: AuthenticatedAgent,
    action: str,
    target_type: str,
    target_id: int,
    data: dict[str, Any],
    now: datetime,
) -> None:
    tx.session.add(
        StaffChange(
            shop_id=actor.shop.id,
            actor_id=actor.agent.id,
            actor_name=actor.agent.name,
            action=action,
            target_type=target_type,
            target_id=target_id,
            data=data,
            created_at=now,
        )
    )


async def check_groups(session: AsyncSession, shop_id: int, group_ids: list[int]) -> None:
    known = set(
        await session.scalars(
            select(Group.id).where(Group.shop_id == shop_id, Group.id.in_(group_ids))
        )
    )
    if set(group_ids) - known:
        raise AppError("not_found", "分组不存在", field="group_ids")


async def set_agent_groups(session: AsyncSession, agent_id: int, group_ids: list[int]) -> None:
    await session.execute(delete(GroupMember).where(GroupMember.agent_id == agent_id))
    session.add_all(GroupMember(group_id=g, agent_id=agent_id) for g in group_ids)


async def _revoke_sessions(session: AsyncSession, agent_id: int, now: datetime) -> list[int]:
    ids = list(
        await session.scalars(
            select(AgentSession.id).where(
                AgentSession.agent_id == agent_id, AgentSession.revoked_at.is_(None)
            )
        )
    )
    await session.execute(
        update(AgentSession).where(AgentSession.id.in_(ids)).values(revoked_at=now)
    )
    return ids


class StaffAdmin:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _target(self, tx: Transaction, actor: AuthenticatedAgent, agent_id: int) -> Agent:
        agent = await lock_row(tx.session, Agent, agent_id)
        if agent is None or agent.shop_id != actor.shop.id:
            raise AppError("not_found", "客服不存在")
        return agent

    async def _keeps_an_admin(self, session: AsyncSession, actor: AuthenticatedAgent) -> None:
        admins = await session.scalar(
            select(func.count()).where(
                Agent.shop_id == actor.shop.id, Agent.role == "admin", Agent.disabled_at.is_(None)
            )
        )
        if not admins:
            raise AppError("conflict", "店铺至少需要一位可用的管理员")

    async def do_create_agent(self, actor: AuthenticatedAgent, command: CreateAgent) -> int:
        check_admin(actor)
        hashed = await asyncio.to_thread(hash_password, command.password)
        now = utcnow()
        async with self.db.transaction() as tx:
            if command.group_ids is not None:
                await check_groups(tx.session, actor.shop.id, command.group_ids)
            agent = await create_agent(
                tx.session,
                shop=actor.shop,
                username=command.username,
                password=command.password,
                name=command.name,
                role=command.role,
                max_chats=command.max_chats or 5,
                group_ids=command.group_ids,
                hashed=hashed,
            )
            record_change(
                tx,
                actor,
                "agent_created",
                "agent",
                agent.id,
                {"username": agent.username, "role": agent.role, "group_ids": command.group_ids},
                now,
            )
            return agent.id

    async def do_update_agent(
        self, actor: AuthenticatedAgent, agent_id: int, command: UpdateAgent
    ) -> None:
        check_admin(actor)
        now = utcnow()
        async with self.db.transaction() as tx:
            agent = await self._target(tx, actor, agent_id)
            changes: dict[str, Any] = {}
            for field in ("name", "role", "max_chats"):
                value = getattr(command, field)
                if value is not None and value != getattr(agent, field):
                    changes[field] = {"from": getattr(agent, field), "to": value}
                    setattr(agent, field, value)
            if command.group_ids is not None:
                await check_groups(tx.session, actor.shop.id, command.group_ids)
                await set_agent_groups(tx.session, agent.id, command.group_ids)
                changes["group_ids"] = command.group_ids
            if "role" in changes:
                await tx.session.flush()
                await self._keeps_an_admin(tx.session, actor)
            record_change(tx, actor, "agent_updated", "agent", agent.id, changes, now)
            # Groups or capacity changed: waiting chats may fit this agent now.
            tx.record(AgentStatusChanged(agent.id, agent.shop_id, agent.status))

    async def do_reset_password(
        self, actor: AuthenticatedAgent, agent_id: int, command: ResetPassword
    ) -> list[int]:
        """Returns the revoked session ids (the caller closes their sockets)."""
        check_admin(actor)
        hashed = await asyncio.to_thread(hash_password, command.password)
        now = utcnow()
        async with self.db.transaction() as tx:
            agent = await self._target(tx, actor, agent_id)
            agent.password_hash = hashed
            revoked = await _revoke_sessions(tx.session, agent.id, now)
            record_change(tx, actor, "password_reset", "agent", agent.id, {}, now)
            return revoked

    async def do_set_disabled(
        self, actor: AuthenticatedAgent, agent_id: int, *, disabled: bool
    ) -> list[int]:
        """Disable (sessions revoked, chats back to the queue) or enable again. Returns the
        revoked session ids."""
        check_admin(actor)
        now = utcnow()
        async with self.db.transaction() as tx:
            agent = await self._target(tx, actor, agent_id)
            if disabled and agent.id == actor.agent.id:
                raise AppError("conflict", "不能停用自己的账号")
            if (agent.disabled_at is not None) == disabled:
                return []
            revoked: list[int] = []
            if disabled:
                agent.disabled_at = now
                revoked = await _revoke_sessions(tx.session, agent.id, now)
                await release_agent(tx, agent.id, "disabled", now)
                await tx.session.flush()
                await self._keeps_an_admin(tx.session, actor)
            else:
                agent.disabled_at = None
            action = "agent_disabled" if disabled else "agent_enabled"
            record_change(tx, actor, action, "agent", agent.id, {}, now)
            return revoked

"""The shop's staff and groups: for the transfer picker (everyone) and the admin console."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Group, GroupMember, StaffChange
from chatserver.domain import states
from chatserver.views.wire import agent_fields, iso


async def members_by_agent(session: AsyncSession, shop_id: int) -> dict[int, list[int]]:
    rows = await session.execute(
        select(GroupMember.agent_id, GroupMember.group_id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(Group.shop_id == shop_id)
        .order_by(GroupMember.group_id)
    )
    result: dict[int, list[int]] = {}
    for agent_id, group_id in rows:
        result.setdefault(agent_id, []).append(group_id)
    return result


async def shop_groups(session: AsyncSession, shop_id: int) -> list[Group]:
    return list(
        await session.scalars(select(Group).where(Group.shop_id == shop_id).order_by(Group.id))
    )


def group_dict(group: Group, members: list[int]) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "topic": group.topic, "member_ids": members}


def staff_dict(agent: Agent, group_ids: list[int], open_chats: int) -> dict[str, Any]:
    return {
        **agent_fields(agent),
        "group_ids": group_ids,
        "open_chats": open_chats,
        "disabled": agent.disabled_at is not None,
        "disabled_at": iso(agent.disabled_at),
        "created_at": iso(agent.created_at),
    }


class StaffViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def roster(self, shop_id: int) -> dict[str, Any]:
        """`{agents: [staff], groups: [group]}` of the shop, disabled accounts included."""
        async with self.db.sessions() as session:
            members = await members_by_agent(session, shop_id)
            loads = dict(
                (
                    await session.execute(
                        select(Conversation.agent_id, func.count())
                        .where(
                            Conversation.shop_id == shop_id,
                            Conversation.status == states.ASSIGNED,
                        )
                        .group_by(Conversation.agent_id)
                    )
                ).all()
            )
            agents = await session.scalars(
                select(Agent).where(Agent.shop_id == shop_id).order_by(Agent.id)
            )
            staff = [staff_dict(a, members.get(a.id, []), loads.get(a.id, 0)) for a in agents]
            by_group: dict[int, list[int]] = {}
            for agent_id, group_ids in members.items():
                for group_id in group_ids:
                    by_group.setdefault(group_id, []).append(agent_id)
            groups = [
                group_dict(g, sorted(by_group.get(g.id, [])))
                for g in await shop_groups(session, shop_id)
            ]
        return {"agents": staff, "groups": groups}

    async def groups_of(self, agent_id: int) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(Group)
                .join(GroupMember, GroupMember.group_id == Group.id)
                .where(GroupMember.agent_id == agent_id)
                .order_by(Group.id)
            )
            return [{"id": g.id, "name": g.name, "topic": g.topic} for g in rows]

    async def changes(self, shop_id: int, limit: int = 200) -> list[dict[str, Any]]:
        """The admin console's record of changes to agents and groups, newest first."""
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(StaffChange)
                .where(StaffChange.shop_id == shop_id)
                .order_by(StaffChange.id.desc())
                .limit(limit)
            )
            return [
                {
                    "id": r.id,
                    "actor": {"id": r.actor_id, "name": r.actor_name},
                    "action": r.action,
                    "target_type": r.target_type,
                    "target_id": r.target_id,
                    "data": r.data,
                    "created_at": iso(r.created_at),
                }
                for r in rows
            ]

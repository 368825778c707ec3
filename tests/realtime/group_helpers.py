"""Test helpers for groups: put an agent into exactly these groups of the demo shop."""

from __future__ import annotations

from sqlalchemy import delete, select

from chatserver.db.models import Agent, Group, GroupMember
from tests.conftest import LiveServer, ServedApp


async def group_ids(server: ServedApp, shop_id: int | None = None) -> dict[str, int]:
    """{group name: id} of the demo shop (or `shop_id`)."""
    async with server.db.sessions() as session:
        query = select(Group)
        if shop_id is not None:
            query = query.where(Group.shop_id == shop_id)
        else:
            agent = await session.scalar(select(Agent).where(Agent.username == "agent"))
            assert agent is not None
            query = query.where(Group.shop_id == agent.shop_id)
        return {g.name: g.id for g in await session.scalars(query)}


async def set_groups(server: LiveServer, username: str, names: list[str]) -> None:
    async with server.db.transaction() as tx:
        agent = await tx.session.scalar(select(Agent).where(Agent.username == username))
        assert agent is not None
        await tx.session.execute(delete(GroupMember).where(GroupMember.agent_id == agent.id))
        for group in await tx.session.scalars(select(Group).where(Group.shop_id == agent.shop_id)):
            if group.name in names:
                tx.session.add(GroupMember(group_id=group.id, agent_id=agent.id))

"""Shift handover summaries (交接记录) as the next shift and the supervisors read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Group, GroupMember, ShiftHandover, ShiftHandoverRead
from chatserver.views.wire import iso

# What a panel shows on login: the newest unread ones of the last days, not a year's backlog.
UNREAD_LIMIT = 20
LIST_LIMIT = 100


async def summary_dict(session: AsyncSession, row: ShiftHandover) -> dict[str, Any]:
    groups = (
        list(await session.scalars(select(Group).where(Group.id.in_(row.group_ids))))
        if row.group_ids
        else []
    )
    return {
        "id": row.id,
        "author": {"id": row.author_id, "name": row.author_name},
        "text": row.text,
        "conversation_ids": list(row.conversation_ids),
        "groups": [{"id": g.id, "name": g.name} for g in sorted(groups, key=lambda g: g.id)],
        "created_at": iso(row.created_at),
    }


class ShiftViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def unread_for(self, agent_id: int, shop_id: int) -> list[dict[str, Any]]:
        """Summaries left for one of this agent's groups that they have not dismissed, newest
        first."""
        async with self.db.sessions() as session:
            mine = set(
                await session.scalars(
                    select(GroupMember.group_id).where(GroupMember.agent_id == agent_id)
                )
            )
            read = select(ShiftHandoverRead.handover_id).where(
                ShiftHandoverRead.agent_id == agent_id
            )
            rows = await session.scalars(
                select(ShiftHandover)
                .where(ShiftHandover.shop_id == shop_id, ShiftHandover.id.not_in(read))
                .order_by(ShiftHandover.id.desc())
                .limit(LIST_LIMIT)
            )
            # An author with no group left (all removed) still reaches everyone.
            relevant = [r for r in rows if not r.group_ids or mine & set(r.group_ids)]
            return [await summary_dict(session, r) for r in relevant[:UNREAD_LIMIT]]

    async def list_for_shop(self, shop_id: int) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(ShiftHandover)
                .where(ShiftHandover.shop_id == shop_id)
                .order_by(ShiftHandover.id.desc())
                .limit(LIST_LIMIT)
            )
            return [await summary_dict(session, r) for r in rows]

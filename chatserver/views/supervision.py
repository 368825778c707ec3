"""The supervisors' live view of a shop: queues per group, agents and their oldest unanswered
chat, every open chat's SLA clocks; and the audit list of what supervisors did.

Read whole each time (a shop has tens of open chats, not thousands): the live board listener
sends it debounced, the REST route answers it on load. Clocks carry their start times, so the
page ticks them itself between updates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Group, SupervisionAudit, Visitor, utcnow
from chatserver.domain import sla, states
from chatserver.views.sla import clock_dict, clocks_of, unanswered_for
from chatserver.views.wire import agent_brief, iso

AUDIT_PAGE = 50


async def audit_dict(session: AsyncSession, row: SupervisionAudit) -> dict[str, Any]:
    target = await session.get(Agent, row.target_agent_id) if row.target_agent_id else None
    return {
        "id": row.id,
        "action": row.action,
        "by": {"id": row.actor_id, "name": row.actor_name},
        "conversation_id": row.conversation_id,
        "target_agent": agent_brief(target),
        "detail": row.detail,
        "created_at": iso(row.created_at),
    }


def _seconds_since(start: datetime | None, now: datetime) -> float | None:
    return None if start is None else round(max(0.0, (now - start).total_seconds()), 3)


async def _chat_row(
    session: AsyncSession,
    conversation: Conversation,
    names: dict[int, str],
    groups: dict[int, Group],
    visitors: dict[int, Visitor],
    now: datetime,
) -> dict[str, Any]:
    policy, clocks = await clocks_of(session, conversation, now)
    visitor = visitors[conversation.visitor_id]
    group = groups.get(conversation.group_id) if conversation.group_id else None
    agent_id = conversation.agent_id
    return {
        "id": conversation.id,
        "status": conversation.status,
        "priority": conversation.priority,
        "visitor": {"id": visitor.id, "name": visitor.name},
        "group": {"id": group.id, "name": group.name} if group else None,
        "agent": {"id": agent_id, "name": names.get(agent_id, "")} if agent_id else None,
        "queued_at": iso(conversation.queued_at),
        "assigned_at": iso(conversation.assigned_at),
        "sla": {
            "policy": policy.as_dict(),
            "state": sla.worst_state(clocks),
            "clocks": [clock_dict(clock, now) for clock in clocks],
        },
    }


async def live_board(
    session: AsyncSession,
    shop_id: int,
    now: datetime,
    is_connected: Callable[[int], Awaitable[bool]],
) -> dict[str, Any]:
    agents = list(
        await session.scalars(
            select(Agent)
            .where(Agent.shop_id == shop_id, Agent.disabled_at.is_(None))
            .order_by(Agent.id)
        )
    )
    names = {a.id: a.name for a in agents}
    groups = {
        g.id: g
        for g in await session.scalars(
            select(Group).where(Group.shop_id == shop_id).order_by(Group.id)
        )
    }
    open_chats = list(
        await session.scalars(
            select(Conversation)
            .where(
                Conversation.shop_id == shop_id,
                Conversation.status.in_((states.QUEUED, states.ASSIGNED)),
            )
            .order_by(Conversation.id)
        )
    )
    queued = [c for c in open_chats if c.status == states.QUEUED]
    queues = []
    for group_id in [*groups, None]:
        waiting = [c for c in queued if c.group_id == group_id]
        if group_id is None and not waiting:
            continue  # "no group" only shows when something waits there
        oldest = min((c.queued_at or c.created_at for c in waiting), default=None)
        queues.append(
            {
                "group": {"id": group_id, "name": groups[group_id].name} if group_id else None,
                "count": len(waiting),
                "oldest_queued_at": iso(oldest),
                "longest_wait_s": _seconds_since(oldest, now),
            }
        )
    staff = []
    for agent in agents:
        theirs = [c for c in open_chats if c.agent_id == agent.id]
        owed = [(w, c.id) for c in theirs if (w := unanswered_for(c, now)) is not None]
        oldest_wait, oldest_id = max(owed, default=(None, None))
        staff.append(
            {
                "id": agent.id,
                "name": agent.name,
                "role": agent.role,
                "status": agent.status,
                "connected": agent.status != "offline" and await is_connected(agent.id),
                "open_chats": len(theirs),
                "max_chats": agent.max_chats,
                "oldest_unanswered": None
                if oldest_id is None
                else {"conversation_id": oldest_id, "age_s": round(oldest_wait or 0.0, 3)},
            }
        )
    # One query for every open chat's shopper, not one each.
    wanted = {c.visitor_id for c in open_chats}
    found: Iterable[Visitor] = (
        await session.scalars(select(Visitor).where(Visitor.id.in_(wanted))) if wanted else []
    )
    visitors = {v.id: v for v in found}
    chats = [await _chat_row(session, c, names, groups, visitors, now) for c in open_chats]
    return {"as_of": iso(now), "queues": queues, "agents": staff, "chats": chats}


async def audit_page(session: AsyncSession, shop_id: int) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(SupervisionAudit)
        .where(SupervisionAudit.shop_id == shop_id)
        .order_by(SupervisionAudit.created_at.desc(), SupervisionAudit.id.desc())
        .limit(AUDIT_PAGE)
    )
    return [await audit_dict(session, row) for row in rows]


class SupervisionViews:
    def __init__(self, db: Database, is_connected: Callable[[int], Awaitable[bool]]) -> None:
        self.db = db
        self.is_connected = is_connected

    async def board(self, shop_id: int) -> dict[str, Any]:
        async with self.db.sessions() as session:
            return await live_board(session, shop_id, utcnow(), self.is_connected)

    async def audit(self, shop_id: int) -> list[dict[str, Any]]:
        async with self.db.sessions() as session:
            return await audit_page(session, shop_id)

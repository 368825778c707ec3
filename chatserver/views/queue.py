"""The waiting line as agents and shoppers see it, and the reads routing decides on.

The session-level functions are shared with actions/assignment.py, which calls them inside its
transaction; `QueueViews` reads on its own session for the fan-out and the acks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, GroupMember, Visitor
from chatserver.domain import routing, states
from chatserver.views.conversations import conversation_view
from chatserver.views.handovers import handed_over_by


async def previous_agents(session: AsyncSession, visitor_ids: list[int]) -> dict[int, int]:
    """Each shopper's last agent (谁的顾客谁跟进)."""
    if not visitor_ids:
        return {}
    rows = await session.execute(
        select(Visitor.id, Visitor.last_agent_id).where(Visitor.id.in_(visitor_ids))
    )
    return {vid: aid for vid, aid in rows if aid is not None}


def waiting_chat(
    row: Conversation, previous: dict[int, int], handed_over: dict[int, int] | None = None
) -> routing.WaitingChat:
    return routing.WaitingChat(
        row.id,
        row.priority,
        row.queued_at or row.created_at,
        previous.get(row.visitor_id),
        group_id=row.group_id,
        handed_over_by=(handed_over or {}).get(row.id),
    )


async def routing_view(
    session: AsyncSession, waiting: list[Conversation]
) -> list[routing.WaitingChat]:
    """The waiting chats as routing decides on them (group, previous agent, who handed over)."""
    previous = await previous_agents(session, [c.visitor_id for c in waiting])
    handed_over = await handed_over_by(session, waiting)
    return [waiting_chat(c, previous, handed_over) for c in waiting]


async def waiting_in_order(session: AsyncSession, shop_id: int) -> list[Conversation]:
    """The shop's queued chats in serving order: complaints first, then longest wait."""
    rows = list(
        await session.scalars(
            select(Conversation).where(
                Conversation.shop_id == shop_id, Conversation.status == states.QUEUED
            )
        )
    )
    by_id = {row.id: row for row in rows}
    previous = await previous_agents(session, [row.visitor_id for row in rows])
    order = routing.queue_order([waiting_chat(row, previous) for row in rows])
    return [by_id[chat.conversation_id] for chat in order]


async def agent_loads(session: AsyncSession, shop_id: int) -> list[routing.AgentLoad]:
    open_counts = dict(
        (
            await session.execute(
                select(Conversation.agent_id, func.count())
                .where(Conversation.shop_id == shop_id, Conversation.status == states.ASSIGNED)
                .group_by(Conversation.agent_id)
            )
        ).all()
    )
    agents = list(
        await session.scalars(
            select(Agent).where(Agent.shop_id == shop_id, Agent.disabled_at.is_(None))
        )
    )
    groups: dict[int, set[int]] = {}
    for group_id, agent_id in await session.execute(
        select(GroupMember.group_id, GroupMember.agent_id).where(
            GroupMember.agent_id.in_([agent.id for agent in agents])
        )
    ):
        groups.setdefault(agent_id, set()).add(group_id)
    return [
        routing.AgentLoad(
            agent.id,
            agent.status,
            open_counts.get(agent.id, 0),
            agent.max_chats,
            agent.status_changed_at,
            group_ids=frozenset(groups.get(agent.id, ())),
        )
        for agent in agents
    ]


RECENT_CHATS = 50


async def handle_seconds(session: AsyncSession, shop_id: int) -> float:
    """How long the shop's last chats were in a person's hands: the wait estimate's unit."""
    rows = (
        await session.execute(
            select(Conversation.assigned_at, Conversation.closed_at)
            .where(
                Conversation.shop_id == shop_id,
                Conversation.closed_at.is_not(None),
                Conversation.assigned_at.is_not(None),
            )
            .order_by(Conversation.closed_at.desc())
            .limit(RECENT_CHATS)
        )
    ).all()
    return routing.handle_seconds(
        [
            (closed - assigned).total_seconds()
            for assigned, closed in rows
            if closed is not None and assigned is not None and closed >= assigned
        ]
    )


# Each waiting chat's {position, eta_s, agents_online}; eta_s None with nobody online.
Positions = dict[int, dict[str, int | None]]


@dataclass(frozen=True)
class QueueSnapshot:
    items: list[dict[str, Any]]
    positions: Positions
    as_of_seq: dict[int, int]


class QueueViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def positions(self, session: AsyncSession, shop_id: int) -> tuple[list[Any], Positions]:
        waiting = await waiting_in_order(session, shop_id)
        loads = await agent_loads(session, shop_id)
        handle = await handle_seconds(session, shop_id)
        online = sum(1 for load in loads if load.status == "online")
        positions: Positions = {
            conversation.id: {
                "position": index,
                "eta_s": routing.estimate_wait_seconds(index, loads, handle),
                "agents_online": online,
            }
            for index, conversation in enumerate(waiting, start=1)
        }
        return waiting, positions

    async def snapshot(self, shop_id: int) -> QueueSnapshot:
        """The waiting list for agents and each waiting shopper's position and estimate."""
        async with self.db.sessions() as session:
            waiting, positions = await self.positions(session, shop_id)
            items = [await conversation_view(session, c) for c in waiting]
        return QueueSnapshot(items, positions, {c.id: c.last_seq for c in waiting})

    async def shops_with_waiting_chats(self) -> list[int]:
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(Conversation.shop_id).where(Conversation.status == states.QUEUED).distinct()
            )
            return list(rows)

    async def position_of(self, shop_id: int, conversation_id: int) -> dict[str, int | None] | None:
        async with self.db.sessions() as session:
            _waiting, positions = await self.positions(session, shop_id)
        return positions.get(conversation_id)

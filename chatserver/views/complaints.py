"""Complaints as staff read them: one conversation's (the side panel), or the shop's list for
supervisors. Never part of anything sent to the shopper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Complaint, ComplaintEvent, Conversation, Visitor
from chatserver.domain.complaints import DEMAND_KINDS, LEVEL_NAMES, STATUS_NAMES
from chatserver.views.wire import iso

Wire = dict[str, Any]


def complaint_event_dict(event: ComplaintEvent) -> Wire:
    return {
        "id": event.id,
        "type": event.type,
        "by": {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name},
        "data": event.data,
        "created_at": iso(event.created_at),
    }


def complaint_dict(
    complaint: Complaint,
    *,
    visitor: Visitor,
    agent: Agent | None,
    history: Sequence[ComplaintEvent],
    conversation_status: str,
) -> Wire:
    """The contract's Complaint object (docs/protocol.md)."""
    return {
        "id": complaint.id,
        "conversation_id": complaint.conversation_id,
        "conversation_status": conversation_status,
        "visitor": {"id": visitor.id, "name": visitor.name},
        "agent": None if agent is None else {"id": agent.id, "name": agent.name},
        "opened_by": complaint.opened_by,
        "matter": complaint.matter,
        "demand": {
            "kind": complaint.demand_kind,
            "kind_name": DEMAND_KINDS.get(complaint.demand_kind or ""),
            "text": complaint.demand_text,
        },
        "handling": complaint.handling,
        "result": complaint.result,
        "status": complaint.status,
        "status_name": STATUS_NAMES[complaint.status],
        "level": complaint.level,
        "level_name": LEVEL_NAMES[complaint.level],
        "created_at": iso(complaint.created_at),
        "updated_at": iso(complaint.updated_at),
        "escalated_at": iso(complaint.escalated_at),
        "ended_at": iso(complaint.ended_at),
        "history": [complaint_event_dict(e) for e in history],
    }


async def present(session: AsyncSession, complaints: Sequence[Complaint]) -> list[Wire]:
    """Each complaint with its shopper, agent, conversation status and history, in few reads."""
    if not complaints:
        return []
    ids = [c.id for c in complaints]
    history: dict[int, list[ComplaintEvent]] = defaultdict(list)
    for event in await session.scalars(
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id.in_(ids))
        .order_by(ComplaintEvent.id)
    ):
        history[event.complaint_id].append(event)
    visitors = {
        v.id: v
        for v in await session.scalars(
            select(Visitor).where(Visitor.id.in_({c.visitor_id for c in complaints}))
        )
    }
    agent_ids = {c.agent_id for c in complaints if c.agent_id is not None}
    agents = {
        a.id: a
        for a in (
            await session.scalars(select(Agent).where(Agent.id.in_(agent_ids))) if agent_ids else []
        )
    }
    rows = await session.execute(
        select(Conversation.id, Conversation.status).where(
            Conversation.id.in_({c.conversation_id for c in complaints})
        )
    )
    statuses = {conversation_id: status for conversation_id, status in rows.all()}
    return [
        complaint_dict(
            c,
            visitor=visitors[c.visitor_id],
            agent=agents.get(c.agent_id) if c.agent_id is not None else None,
            history=history[c.id],
            conversation_status=statuses[c.conversation_id],
        )
        for c in complaints
    ]


async def complaints_of(session: AsyncSession, conversation_id: int) -> list[Wire]:
    """A conversation's complaints, oldest first."""
    rows = await session.scalars(
        select(Complaint).where(Complaint.conversation_id == conversation_id).order_by(Complaint.id)
    )
    return await present(session, list(rows))


class ComplaintViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list_for_shop(
        self, shop_id: int, *, status: str | None, level: int | None, limit: int = 200
    ) -> list[Wire]:
        """The shop's complaints, highest level first, then oldest first (the longest waiting)."""
        query = select(Complaint).where(Complaint.shop_id == shop_id)
        if status is not None:
            query = query.where(Complaint.status == status)
        if level is not None:
            query = query.where(Complaint.level == level)
        query = query.order_by(Complaint.level.desc(), Complaint.created_at, Complaint.id).limit(
            limit
        )
        async with self.db.sessions() as session:
            return await present(session, list(await session.scalars(query)))

"""Ratings as the widget, the agent panel and reports read them (never written here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, ConversationEvent, Rating
from chatserver.domain import ratings as rules
from chatserver.errors import AppError
from chatserver.views.wire import agent_brief, iso

Wire = dict[str, Any]
NOT_ASKED: Wire = {"requested": False}


def close_event_data(agent_id: int | None, rating_requested: bool) -> dict[str, Any]:
    """What a `closed` event row records for the rating (read back by `last_round`)."""
    return {"agent_id": agent_id, "rating_requested": rating_requested}


def rating_dict(rating: Rating, agent: Agent | None) -> Wire:
    return {
        "id": rating.id,
        "conversation_id": rating.conversation_id,
        "round": rating.close_event_id,
        "agent": agent_brief(agent),
        "score": rating.score,
        "comment": rating.comment,
        "created_at": iso(rating.created_at),
    }


def prompt_dict(close_event_id: int, agent: Agent | None) -> Wire:
    """The widget's cue to show the rating card: which round, and who served it."""
    return {"requested": True, "round": close_event_id, "agent": agent_brief(agent)}


async def last_round(session: AsyncSession, conversation_id: int) -> rules.ServiceRound | None:
    """The conversation's latest closing, or None when it was never closed."""
    row = await session.scalar(
        select(ConversationEvent)
        .where(
            ConversationEvent.conversation_id == conversation_id,
            ConversationEvent.type == "closed",
        )
        .order_by(ConversationEvent.id.desc())
        .limit(1)
    )
    return None if row is None else _service_round(row.id, row.data)


def _service_round(close_event_id: int, data: dict[str, Any] | None) -> rules.ServiceRound:
    agent_id = (data or {}).get("agent_id")
    return rules.ServiceRound(
        close_event_id=close_event_id,
        agent_id=agent_id if isinstance(agent_id, int) else None,
        rating_requested=(data or {}).get("rating_requested") is True,
    )


async def round_state(
    session: AsyncSession, conversation: Conversation
) -> tuple[rules.RatingState, rules.ServiceRound | None]:
    latest = await last_round(session, conversation.id)
    rated = latest is not None and (
        await session.scalar(
            select(Rating.id).where(Rating.close_event_id == latest.close_event_id)
        )
        is not None
    )
    return rules.rating_state(conversation.status, latest, rated), latest


async def rating_prompt(session: AsyncSession, conversation: Conversation) -> Wire:
    """`session.rating` for the shopper: a rating still open survives a reload."""
    return (await rating_prompts(session, [conversation]))[conversation.id]


async def rating_prompts(
    session: AsyncSession, conversations: Sequence[Conversation]
) -> dict[int, Wire]:
    """`rating_prompt` of many conversations at once (resuming shoppers): at most three
    statements whatever their number."""
    prompts: dict[int, Wire] = {c.id: dict(NOT_ASKED) for c in conversations}
    asking = {c.id: c.status for c in conversations}
    if not asking:
        return prompts
    closed = ConversationEvent
    latest_ids = (
        select(func.max(closed.id))
        .where(closed.type == "closed", closed.conversation_id.in_(asking))
        .group_by(closed.conversation_id)
    )
    rows = await session.execute(
        select(closed.id, closed.conversation_id, closed.data).where(closed.id.in_(latest_ids))
    )
    rounds = {cid: _service_round(event_id, data) for event_id, cid, data in rows}
    requested = [r.close_event_id for r in rounds.values() if r.rating_requested]
    if not requested:
        return prompts
    rated = set(
        await session.scalars(
            select(Rating.close_event_id).where(Rating.close_event_id.in_(requested))
        )
    )
    open_rounds = {
        cid: latest
        for cid, latest in rounds.items()
        if rules.rating_state(asking[cid], latest, latest.close_event_id in rated) == "open"
    }
    agent_ids = {r.agent_id for r in open_rounds.values() if r.agent_id is not None}
    agents = (
        {a.id: a for a in await session.scalars(select(Agent).where(Agent.id.in_(agent_ids)))}
        if agent_ids
        else {}
    )
    for cid, latest in open_rounds.items():
        agent = agents.get(latest.agent_id) if latest.agent_id is not None else None
        prompts[cid] = prompt_dict(latest.close_event_id, agent)
    return prompts


async def ratings_of(session: AsyncSession, conversation_ids: list[int]) -> dict[int, list[Wire]]:
    """Each conversation's ratings, oldest first (one list per id, empty when none)."""
    found: dict[int, list[Wire]] = {cid: [] for cid in conversation_ids}
    if not conversation_ids:
        return found
    rows = await session.execute(
        select(Rating, Agent)
        .outerjoin(Agent, Agent.id == Rating.agent_id)
        .where(Rating.conversation_id.in_(conversation_ids))
        .order_by(Rating.id)
    )
    for rating, agent in rows:
        found[rating.conversation_id].append(rating_dict(rating, agent))
    return found


class RatingViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def summary(
        self,
        shop_id: int,
        *,
        start: datetime | None,
        end: datetime | None,
        agent_id: int | None,
    ) -> Wire:
        """Satisfaction over ratings given in [start, end): the shop's total (or the one agent's)
        and one line per agent who was rated, most rated first."""
        async with self.db.sessions() as session:
            if agent_id is not None:
                agent = await session.get(Agent, agent_id)
                if agent is None or agent.shop_id != shop_id:
                    raise AppError("not_found", "客服不存在", field="agent_id")
            query = select(Rating.agent_id, Rating.score, func.count()).where(
                Rating.shop_id == shop_id
            )
            if start is not None:
                query = query.where(Rating.created_at >= start)
            if end is not None:
                query = query.where(Rating.created_at < end)
            if agent_id is not None:
                query = query.where(Rating.agent_id == agent_id)
            rows = (await session.execute(query.group_by(Rating.agent_id, Rating.score))).all()
            per_agent: dict[int | None, dict[int, int]] = defaultdict(dict)
            total: dict[int, int] = defaultdict(int)
            for rated_agent, score, count in rows:
                per_agent[rated_agent][score] = count
                total[score] += count
            known = [a for a in per_agent if a is not None]
            agents = (
                {a.id: a for a in await session.scalars(select(Agent).where(Agent.id.in_(known)))}
                if known
                else {}
            )
        lines = [
            {"agent": agent_brief(agents.get(a)) if a is not None else None, **rules.tally(c)}
            for a, c in per_agent.items()
        ]
        lines.sort(key=lambda line: (-line["rated"], (line["agent"] or {}).get("id", 0)))
        return {
            "from": iso(start),
            "to": iso(end),
            "agent_id": agent_id,
            "target": rules.SATISFACTION_TARGET,
            "total": rules.tally(dict(total)),
            "agents": lines,
        }

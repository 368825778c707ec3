"""Handovers as agents read them: the note pinned on a chat handed to them, and the waiting
chats that must not go straight back to whoever handed them over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import Agent, ChatHandover, Conversation, Group
from chatserver.domain import states
from chatserver.views.wire import iso


def group_brief(group: Group | None) -> dict[str, Any] | None:
    return None if group is None else {"id": group.id, "name": group.name, "topic": group.topic}


async def handover_dict(session: AsyncSession, row: ChatHandover) -> dict[str, Any]:
    to_agent = await session.get(Agent, row.to_agent_id) if row.to_agent_id else None
    to_group = await session.get(Group, row.to_group_id) if row.to_group_id else None
    return {
        "id": row.id,
        "kind": row.kind,
        "from": {"id": row.from_agent_id, "name": row.from_agent_name},
        "to_agent": None if to_agent is None else {"id": to_agent.id, "name": to_agent.name},
        "to_group": group_brief(to_group),
        "note": row.note,
        "created_at": iso(row.created_at),
    }


async def current_handover(
    session: AsyncSession, conversation: Conversation
) -> dict[str, Any] | None:
    """The latest handover of this service round (since the chat last left the bot), for the
    receiver to read first; None once the chat is closed or back with the bot."""
    if conversation.status not in (states.QUEUED, states.ASSIGNED) or not conversation.queued_at:
        return None
    row = await session.scalar(
        select(ChatHandover)
        .where(
            ChatHandover.conversation_id == conversation.id,
            ChatHandover.created_at >= conversation.queued_at,
        )
        .order_by(ChatHandover.id.desc())
        .limit(1)
    )
    return None if row is None else await handover_dict(session, row)


async def handed_over_by(session: AsyncSession, waiting: list[Conversation]) -> dict[int, int]:
    """Waiting chats an agent transferred to a group, and who: routing never hands such a chat
    straight back to them (only the latest handover counts: a chat that came back to that agent
    and was handed on at the end of a shift is theirs to take again)."""
    if not waiting:
        return {}
    queued_at = {c.id: c.queued_at for c in waiting}
    rows = await session.scalars(
        select(ChatHandover)
        .where(ChatHandover.conversation_id.in_(list(queued_at)))
        .order_by(ChatHandover.id)
    )
    latest = {row.conversation_id: row for row in rows}
    result: dict[int, int] = {}
    for conversation_id, row in latest.items():
        since = queued_at[conversation_id]
        if (
            row.kind == "transfer"
            and row.from_agent_id is not None
            and since is not None
            and row.created_at >= since
        ):
            result[conversation_id] = row.from_agent_id
    return result

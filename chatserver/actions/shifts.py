"""The end of a shift (交接): a note per open chat, a summary for the next shift, then offline.

Everything in one transaction: the summary, each chat back to its group's queue with its note,
and the status. A chat the panel did not know about yet (routed a moment before) still goes
back, with the automatic note. The summary is read by the agents of the author's groups when
they log in, until each dismisses it; supervisors see them all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chatserver.actions.assignment import release_agent
from chatserver.commands.transfers import EndShift
from chatserver.db.engine import Database
from chatserver.db.models import (
    Agent,
    Conversation,
    GroupMember,
    ShiftHandover,
    ShiftHandoverRead,
    utcnow,
)
from chatserver.db.records import lock_row
from chatserver.domain import states
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.shifts import summary_dict


class Shifts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_end_shift(self, actor: AuthenticatedAgent, command: EndShift) -> dict[str, Any]:
        """Returns `{status: "offline", summary, returned: [conversation ids]}`."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            await lock_row(session, Agent, actor.agent.id)
            open_ids = set(
                await session.scalars(
                    select(Conversation.id).where(
                        Conversation.agent_id == actor.agent.id,
                        Conversation.status == states.ASSIGNED,
                    )
                )
            )
            notes = {item.conversation_id: item.note for item in command.notes}
            strangers = sorted(set(notes) - open_ids)
            if strangers:
                raise AppError("forbidden", f"会话 {strangers[0]} 不是您正在接待的会话")
            group_ids = sorted(
                await session.scalars(
                    select(GroupMember.group_id).where(GroupMember.agent_id == actor.agent.id)
                )
            )
            summary = ShiftHandover(
                shop_id=actor.shop.id,
                author_id=actor.agent.id,
                author_name=actor.agent.name,
                text=command.summary,
                conversation_ids=sorted(open_ids),
                group_ids=group_ids,
                created_at=now,
            )
            session.add(summary)
            await session.flush()
            # The author has read their own summary.
            session.add(ShiftHandoverRead(handover_id=summary.id, agent_id=actor.agent.id))
            returned = await release_agent(
                tx, actor.agent.id, "offline", now, notes=notes, shift_id=summary.id
            )
            wire = await summary_dict(session, summary)
        return {"status": "offline", "summary": wire, "returned": returned}

    async def do_dismiss(self, actor: AuthenticatedAgent, summary_id: int) -> None:
        """The agent has read a shift handover summary: no longer shown on login."""
        try:
            await self._mark_read(actor, summary_id)
        except IntegrityError:
            pass  # two tabs dismissed it at once: it is read either way

    async def _mark_read(self, actor: AuthenticatedAgent, summary_id: int) -> None:
        async with self.db.transaction() as tx:
            summary = await tx.session.get(ShiftHandover, summary_id)
            if summary is None or summary.shop_id != actor.shop.id:
                raise AppError("not_found", "交接记录不存在")
            seen = await tx.session.get(ShiftHandoverRead, (summary_id, actor.agent.id))
            if seen is None:
                tx.session.add(
                    ShiftHandoverRead(
                        handover_id=summary_id, agent_id=actor.agent.id, read_at=utcnow()
                    )
                )

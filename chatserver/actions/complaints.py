"""Complaints (投诉): opened from a chat or by the shopper's own words, filled in, escalated
up the manuals' ladder (客服 → 组长 → 主管/经理 → 店长) and settled.

Who may do what is domain/complaints.py's rule table; here each use case locks the
conversation, then the complaint, checks the shop and the rule, writes the record, one history
row (never changed afterwards) and, for what reports count, a `conversation_events` row. Staff
hear of it through the fan-out; the shopper never does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from chatserver.actions.checks import SUPERVISING_ROLES, check_in_shop
from chatserver.commands.complaints import (
    EndComplaint,
    EscalateComplaint,
    OpenComplaint,
    UpdateComplaint,
)
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Complaint, ComplaintEvent, Conversation, Message, utcnow
from chatserver.db.records import lock_row, record_event
from chatserver.domain import complaints as rules
from chatserver.domain import states
from chatserver.domain.events import ComplaintChanged, ComplaintEscalated
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.complaints import present

Wire = dict[str, Any]
SYSTEM_NAME = "系统"


def _serves(conversation: Conversation, actor: AuthenticatedAgent) -> bool:
    return conversation.status == states.ASSIGNED and conversation.agent_id == actor.agent.id


def _history(
    tx: Transaction,
    complaint: Complaint,
    type: str,
    now: datetime,
    data: dict[str, Any],
    actor: AuthenticatedAgent | None = None,
) -> None:
    tx.session.add(
        ComplaintEvent(
            complaint_id=complaint.id,
            type=type,
            actor_type="agent" if actor else "bot",
            actor_id=actor.agent.id if actor else None,
            actor_name=actor.agent.name if actor else SYSTEM_NAME,
            data=data,
            created_at=now,
        )
    )


async def _wire(tx: Transaction, complaint: Complaint) -> Wire:
    await tx.session.flush()
    return (await present(tx.session, [complaint]))[0]


async def _new_complaint(
    tx: Transaction,
    conversation: Conversation,
    now: datetime,
    *,
    matter: str,
    actor: AuthenticatedAgent | None,
    demand_kind: str | None = None,
    demand_text: str = "",
) -> Complaint:
    """A new open record at level 0 on a locked conversation, with its `opened` history row and
    the `complaint_opened` report row."""
    complaint = Complaint(
        shop_id=conversation.shop_id,
        conversation_id=conversation.id,
        visitor_id=conversation.visitor_id,
        agent_id=actor.agent.id if actor else None,
        opened_by="agent" if actor else "auto",
        matter=matter,
        demand_kind=demand_kind,
        demand_text=demand_text,
        handling="",
        result="",
        status=rules.OPEN,
        level=0,
        created_at=now,
        updated_at=now,
    )
    tx.session.add(complaint)
    await tx.session.flush()
    opened: dict[str, Any] = {"matter": matter, "demand_kind": demand_kind}
    _history(tx, complaint, "opened", now, {**opened, "demand_text": demand_text}, actor)
    record_event(
        tx.session,
        conversation,
        type="complaint_opened",
        now=now,
        actor_type="agent" if actor else "bot",
        actor_id=actor.agent.id if actor else None,
        data={"complaint_id": complaint.id, "auto": actor is None},
    )
    return complaint


async def open_on_handoff(tx: Transaction, conversation: Conversation, now: datetime) -> None:
    """The shopper's complaint handed the chat to a person: a record starts with their words as
    the matter, unless one is already open on this conversation."""
    session = tx.session
    already = await session.scalar(
        select(Complaint.id).where(
            Complaint.conversation_id == conversation.id, Complaint.status == rules.OPEN
        )
    )
    if already is not None:
        return
    words = await session.scalar(
        select(Message.text)
        .where(
            Message.conversation_id == conversation.id,
            Message.sender == "visitor",
            Message.kind == "text",
        )
        .order_by(Message.seq.desc())
        .limit(1)
    )
    complaint = await _new_complaint(
        tx, conversation, now, matter=rules.matter_from_words(words or ""), actor=None
    )
    wire = await _wire(tx, complaint)
    tx.record(ComplaintChanged(conversation.id, conversation.shop_id, complaint=wire))


async def _changed(
    tx: Transaction,
    conversation: Conversation,
    complaint: Complaint,
    actor: AuthenticatedAgent,
    now: datetime,
    *,
    history: tuple[str, dict[str, Any]],
    report: tuple[str, dict[str, Any]] | None = None,
    sid: str | None,
) -> Wire:
    """One change by staff: the history row, the report row when reports count it, and the
    record out to the shop's staff. The agent serving the chat now handles its complaint (a
    transfer, an auto-opened one)."""
    complaint.updated_at = now
    if actor.agent.role not in SUPERVISING_ROLES and _serves(conversation, actor):
        complaint.agent_id = actor.agent.id
    _history(tx, complaint, history[0], now, history[1], actor)
    if report is not None:
        record_event(
            tx.session,
            conversation,
            type=report[0],
            now=now,
            actor_type="agent",
            actor_id=actor.agent.id,
            data={"complaint_id": complaint.id, **report[1]},
        )
    wire = await _wire(tx, complaint)
    tx.record(
        ComplaintChanged(conversation.id, conversation.shop_id, complaint=wire, origin_sid=sid)
    )
    return wire


class Complaints:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_open(
        self, actor: AuthenticatedAgent, command: OpenComplaint, *, sid: str | None = None
    ) -> Wire:
        """「登记投诉」: the agent serving the chat, or a supervisor or admin of the shop."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = check_in_shop(
                await lock_row(session, Conversation, command.conversation_id), actor
            )
            if actor.agent.role not in SUPERVISING_ROLES and not _serves(conversation, actor):
                raise AppError("forbidden", "这不是您正在接待的会话")
            count = await session.scalar(
                select(func.count(Complaint.id)).where(Complaint.conversation_id == conversation.id)
            )
            if (count or 0) >= rules.MAX_PER_CONVERSATION:
                raise AppError("conflict", "该会话的投诉记录已达上限")
            complaint = await _new_complaint(
                tx,
                conversation,
                now,
                matter=command.matter,
                actor=actor,
                demand_kind=command.demand_kind,
                demand_text=command.demand_text,
            )
            wire = await _wire(tx, complaint)
            tx.record(
                ComplaintChanged(
                    conversation.id, conversation.shop_id, complaint=wire, origin_sid=sid
                )
            )
        return wire

    async def _locked(
        self, tx: Transaction, actor: AuthenticatedAgent, complaint_id: int
    ) -> tuple[Conversation, Complaint, bool]:
        """The conversation's lock first (as every message takes it), then the complaint's.
        Returns whether the actor owns the complaint (its agent, or serving the chat now)."""
        session = tx.session
        found = await session.get(Complaint, complaint_id)
        if found is None or found.shop_id != actor.shop.id:
            raise AppError("not_found", "投诉记录不存在")
        conversation = check_in_shop(
            await lock_row(session, Conversation, found.conversation_id), actor
        )
        complaint = await lock_row(session, Complaint, complaint_id)
        if complaint is None:
            raise AppError("not_found", "投诉记录不存在")
        owner = _serves(conversation, actor) or complaint.agent_id == actor.agent.id
        return conversation, complaint, owner

    async def do_update(
        self, actor: AuthenticatedAgent, command: UpdateComplaint, *, sid: str | None = None
    ) -> Wire:
        """Values equal to the stored ones change nothing and tell nobody."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation, complaint, owner = await self._locked(tx, actor, command.complaint_id)
            refusal = rules.edit_refusal(
                role=actor.agent.role, is_owner=owner, status=complaint.status
            )
            if refusal is not None:
                raise AppError("forbidden", refusal)
            changes = {
                name: value
                for name, value in command.changes().items()
                if getattr(complaint, name) != value
            }
            if not changes:
                return await _wire(tx, complaint)
            for name, value in changes.items():
                setattr(complaint, name, value)
            return await _changed(
                tx, conversation, complaint, actor, now, history=("edited", changes), sid=sid
            )

    async def do_escalate(
        self, actor: AuthenticatedAgent, command: EscalateComplaint, *, sid: str | None = None
    ) -> Wire:
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation, complaint, owner = await self._locked(tx, actor, command.complaint_id)
            refusal = rules.escalation_refusal(
                role=actor.agent.role,
                is_owner=owner,
                status=complaint.status,
                current=complaint.level,
                target=command.level,
            )
            if refusal is not None:
                raise AppError("forbidden", refusal)
            from_level = complaint.level
            complaint.level = command.level
            complaint.escalated_at = now
            data = {"from": from_level, "to": command.level, "reason": command.reason}
            wire = await _changed(
                tx,
                conversation,
                complaint,
                actor,
                now,
                history=("escalated", data),
                report=("complaint_escalated", data),
                sid=sid,
            )
            tx.record(
                ComplaintEscalated(
                    conversation.id,
                    conversation.shop_id,
                    complaint=wire,
                    from_level=from_level,
                    by={"id": actor.agent.id, "name": actor.agent.name},
                    reason=command.reason,
                    origin_sid=sid,
                )
            )
        return wire

    async def do_end(
        self, actor: AuthenticatedAgent, command: EndComplaint, *, sid: str | None = None
    ) -> Wire:
        """Resolved or closed, with the result; final."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation, complaint, owner = await self._locked(tx, actor, command.complaint_id)
            refusal = rules.ending_refusal(
                role=actor.agent.role,
                is_owner=owner,
                status=complaint.status,
                level=complaint.level,
            )
            if refusal is not None:
                raise AppError("forbidden", refusal)
            complaint.status = command.status
            complaint.result = command.result
            complaint.ended_at = now
            return await _changed(
                tx,
                conversation,
                complaint,
                actor,
                now,
                history=(command.status, {"result": command.result}),
                report=(f"complaint_{command.status}", {"level": complaint.level}),
                sid=sid,
            )

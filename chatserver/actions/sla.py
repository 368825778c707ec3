"""SLA alerts and the automatic re-assignment of an unanswered chat.

Both are derived from the stored times and the stored alert rows, under the conversation's row
lock: whichever process or restart gets there, an alert is written (and told) once per clock,
and a chat is handed on once per silence.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.assignment import assign, has_room, return_to_queue, routable_loads
from chatserver.db.base import Base
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation
from chatserver.db.records import lock_row, record_event
from chatserver.domain import routing, sla, states
from chatserver.domain.events import SlaAlerted
from chatserver.views.queue import waiting_chat
from chatserver.views.sla import (
    Rules,
    RulesKey,
    clocks_of,
    fired_alerts,
    reassign_limit,
    share_rules,
    supervisors,
    unanswered_for,
    warning_recipients,
)
from chatserver.views.wire import iso, visitor_brief

Wire = dict[str, Any]

REASSIGNED_NOTICE = "抱歉让您久等了，正在为您转接另一位客服，您的消息都已保留，请稍候。"


_visitors = Base.metadata.tables["visitors"]
_agents = Base.metadata.tables["agents"]
# Who an alert names (the shopper and the serving agent), built once and read in Core: on a
# sales day whose agents cannot keep up, every chat's clocks alert.
_PEOPLE = select(
    _visitors.c.id,
    _visitors.c.name,
    _visitors.c.customer_id,
    _visitors.c.customer_phone,
    _visitors.c.context,
    select(_agents.c.name)
    .where(_agents.c.id == bindparam("agent_id"))
    .scalar_subquery()
    .label("agent_name"),
).where(_visitors.c.id == bindparam("visitor_id"))


async def _people(session: AsyncSession, conversation: Conversation) -> tuple[Wire, Wire | None]:
    """The shopper's and the serving agent's briefs (the agent's None when nobody serves or
    the account is gone)."""
    connection = await session.connection()
    row = (
        await connection.execute(
            _PEOPLE, {"visitor_id": conversation.visitor_id, "agent_id": conversation.agent_id}
        )
    ).one()
    agent = (
        None
        if conversation.agent_id is None or row.agent_name is None
        else {"id": conversation.agent_id, "name": row.agent_name}
    )
    return visitor_brief(row), agent


def _alert_payload(
    conversation: Conversation, clock: sla.Clock, alert: str, people: tuple[Wire, Wire | None]
) -> Wire:
    visitor, agent = people
    return {
        "conversation_id": conversation.id,
        "kind": clock.kind,
        "state": "breached" if alert == "sla_breach" else "warning",
        "target_s": clock.target_s,
        "elapsed_s": int(clock.elapsed_s),
        "started_at": iso(clock.started_at),
        "group_id": conversation.group_id,
        "status": conversation.status,
        "agent": agent,
        "visitor": visitor,
    }


class SlaActions:
    def __init__(self, db: Database, is_connected: Callable[[int], Awaitable[bool]]) -> None:
        """`is_connected(agent_id)`: has a live panel connection (presence), as for routing."""
        self.db = db
        self.is_connected = is_connected

    async def do_fire_due(
        self, conversation_id: int, now: datetime, rules: dict[RulesKey, Rules] | None = None
    ) -> int:
        """Store and announce every alert this chat's clocks have earned and not yet had.
        Returns how many were fired. `rules`: policies and calendars already read in this
        tick (shared by its chats, filled as they are read)."""
        async with self.db.transaction() as tx:
            session = tx.session
            if rules is not None:
                share_rules(session, rules)
            conversation = await lock_row(session, Conversation, conversation_id)
            if conversation is None:
                return 0
            _policy, clocks = await clocks_of(session, conversation, now)
            fired = (await fired_alerts(session, [conversation.id]))[conversation.id]
            due = sla.due_alerts(clocks, fired)
            if not due:
                return 0
            people = await _people(session, conversation)
            for alert, clock in due:
                record_event(
                    session,
                    conversation,
                    type=alert,
                    now=now,
                    actor_type="system",
                    data={
                        "kind": clock.kind,
                        "target_seconds": clock.target_s,
                        "group_id": conversation.group_id,
                        "started_at": iso(clock.started_at),
                        "agent_id": conversation.agent_id,
                    },
                )
                recipients = (
                    await supervisors(session, conversation.shop_id)
                    if alert == "sla_breach"
                    else await warning_recipients(session, conversation)
                )
                tx.record(
                    SlaAlerted(
                        conversation.id,
                        conversation.shop_id,
                        alert=alert,
                        payload=_alert_payload(conversation, clock, alert, people),
                        recipients=tuple(recipients),
                    )
                )
            return len(due)

    @staticmethod
    async def _overdue(session: AsyncSession, conversation: Conversation, now: datetime) -> bool:
        """Assigned, and its agent has owed an answer for the shop's limit or longer."""
        if conversation.status != states.ASSIGNED or conversation.agent_id is None:
            return False
        limit = await reassign_limit(session, conversation.shop_id)
        waited = unanswered_for(conversation, now)
        return limit is not None and waited is not None and waited >= limit

    async def do_reassign_unanswered(self, conversation_id: int, now: datetime) -> bool:
        """An assigned chat whose agent has not answered within the shop's limit goes to
        another online, connected agent with room (none free: it stays). True when it moved."""
        async with self.db.transaction() as tx:
            session = tx.session
            # The next agent is chosen from an unlocked read, then their row is locked before
            # the conversation's: routing's order (`assign`), or the two deadlock on PostgreSQL.
            seen = await session.get(Conversation, conversation_id)
            if seen is None or not await self._overdue(session, seen, now):
                return False
            previous_id = seen.agent_id
            assert previous_id is not None  # overdue means assigned to someone
            others = [
                load
                for load in await routable_loads(session, seen.shop_id, self.is_connected)
                if load.agent_id != previous_id
            ]
            new_id = routing.choose_agent(waiting_chat(seen, {}), others)
            if new_id is None:
                return False
            # Re-checked under the agent's lock: routing may have filled their last seat, and
            # taking the chat from its agent with nobody to give it to would strand it.
            next_agent = await lock_row(session, Agent, new_id)
            if (
                next_agent is None
                or next_agent.status != "online"
                or not await has_room(session, next_agent)
            ):
                return False
            conversation = await lock_row(session, Conversation, conversation_id)
            # Re-read under the lock: answered, closed or moved meanwhile means nothing to do.
            if (
                conversation is None
                or conversation.agent_id != previous_id
                or not await self._overdue(session, conversation, now)
            ):
                return False
            waited = unanswered_for(conversation, now) or 0.0
            await return_to_queue(
                tx,
                conversation,
                agent_id=previous_id,
                reason="unanswered",
                text=REASSIGNED_NOTICE,
                now=now,
                data={"waited_seconds": int(waited)},
            )
            await session.flush()
            return await assign(tx, conversation.id, new_id, now, accepted_by=None)

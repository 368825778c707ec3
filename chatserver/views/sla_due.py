"""Which open chats the SLA watch must act on at a tick (listeners/sla_watch.py).

The watch looks at every open chat each second. Computing every chat's clocks and reading
every chat's stored alerts each time cost a thousand open chats ~40 ms of the event loop per
second, enough to show in every message's latency (docs/benchmarks.md, session 11). So a chat
found with nothing due is remembered with the earliest moment anything could come due:
until then, while nothing its clocks read has changed (its stored times, its policy and
calendar, its shop's re-assignment limit), it costs a comparison. Service hours only ever
slow a clock down, so that moment is never late.

The memory is a shortcut, never the record: whatever is due is still decided from the stored
times and the stored alert rows. It starts empty in a new process; a process that loses and
regains the lead keeps it, which is sound because a remembered chat depends only on what it
compares and on stored alerts, and alert rows are never deleted.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from chatserver.db.base import Base
from chatserver.db.engine import Database
from chatserver.domain import sla, states
from chatserver.views.sla import (
    Rules,
    RulesKey,
    fired_alerts,
    reassign_limit,
    rules_key,
    rules_of,
    times_of,
    unanswered_for,
)

# Clock computations between two turns of the event loop when many chats need one (a
# restart, a policy change): the messages in flight are not held up behind all of them.
COMPUTED_PER_TURN = 200

_c = Base.metadata.tables["conversations"].c
_OPEN_CHATS = select(
    _c.id,
    _c.shop_id,
    _c.group_id,
    _c.status,
    _c.handoff_reason,
    _c.queued_at,
    _c.assigned_at,
    _c.first_response_at,
    _c.awaiting_since,
).where(_c.status.in_(states.HUMAN_STATES))


@dataclass(frozen=True, slots=True)
class OpenChat:
    """The columns of an open chat that its clocks and its re-assignment read."""

    id: int
    shop_id: int
    group_id: int | None
    status: str
    handoff_reason: str | None
    queued_at: datetime | None
    assigned_at: datetime | None
    first_response_at: datetime | None
    awaiting_since: datetime | None


@dataclass(frozen=True, slots=True)
class _Quiet:
    """A chat with nothing due, as it was when looked at; None: until it changes."""

    chat: OpenChat
    rules: Rules
    limit: int | None
    until: datetime | None

    def holds(self, chat: OpenChat, rules: Rules, limit: int | None, now: datetime) -> bool:
        return (
            self.chat == chat
            and self.rules is rules
            and self.limit == limit
            and (self.until is None or now < self.until)
        )


def _earlier(first: datetime | None, second: datetime) -> datetime:
    return second if first is None else min(first, second)


class DueChats:
    def __init__(self) -> None:
        self._quiet: dict[int, _Quiet] = {}
        # Each rule set as last read: an unchanged one keeps its identity across ticks, so a
        # remembered chat is checked against it with `is`.
        self._rules: dict[RulesKey, Rules] = {}

    async def scan(self, db: Database, now: datetime) -> tuple[list[int], list[int]]:
        """The open chats with an SLA alert due, and the assigned ones unanswered past their
        shop's re-assignment limit."""
        async with db.sessions() as session:
            connection = await session.connection()
            chats = [OpenChat(*row) for row in await connection.execute(_OPEN_CHATS)]
            rules: dict[RulesKey, Rules] = {}
            limits: dict[int, int | None] = {}
            for chat in chats:
                key = rules_key(chat)
                if key not in rules:
                    fresh = await rules_of(session, chat)
                    kept = self._rules.get(key)
                    rules[key] = kept if kept == fresh else fresh
                if chat.shop_id not in limits:
                    limits[chat.shop_id] = await reassign_limit(session, chat.shop_id)
        self._rules = rules
        quiet: dict[int, _Quiet] = {}
        reassign: list[int] = []
        # Chats with a threshold passed: due unless their alerts are already stored.
        passed: list[tuple[_Quiet, list[sla.Clock], bool]] = []
        computed = 0
        for chat in chats:
            chat_rules = rules[rules_key(chat)]
            limit = limits[chat.shop_id]
            known = self._quiet.get(chat.id)
            if known is not None and known.holds(chat, chat_rules, limit, now):
                quiet[chat.id] = known
                continue
            computed += 1
            if computed % COMPUTED_PER_TURN == 0:
                await asyncio.sleep(0)
            policy, calendar = chat_rules
            clocks = sla.running_clocks(times_of(chat), policy, calendar, now)
            until = sla.next_threshold_at(clocks, calendar, now)
            overdue = False
            waited = unanswered_for(chat, now)
            if chat.status == states.ASSIGNED and limit and waited is not None:
                if waited >= limit:
                    overdue = True
                    reassign.append(chat.id)
                else:
                    until = _earlier(until, now + timedelta(seconds=limit - waited))
            looked = _Quiet(chat, chat_rules, limit, until)
            if any(clock.due() for clock in clocks):
                passed.append((looked, clocks, overdue))
            elif not overdue:
                quiet[chat.id] = looked
        alerting: list[int] = []
        if passed:
            async with db.sessions() as session:
                fired = await fired_alerts(session, [looked.chat.id for looked, _, _ in passed])
            for looked, clocks, overdue in passed:
                if sla.due_alerts(clocks, fired[looked.chat.id]):
                    alerting.append(looked.chat.id)
                elif not overdue:
                    quiet[looked.chat.id] = looked
        self._quiet = quiet
        return alerting, reassign

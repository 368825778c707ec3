"""The response clock (design.md, "State and rules") and the SLA clocks read from it.

It starts at the first shopper message not yet answered by a human after handoff (or at the
handoff itself when the shopper pressed 转人工 without writing) and stops at the next agent
message, which stores the elapsed time as its `response_ms`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from chatserver.domain.business_hours import ServiceCalendar
from chatserver.domain.sla_policy import SlaPolicy
from chatserver.domain.states import HUMAN_STATES


def on_handoff(awaiting_since: datetime | None, now: datetime) -> datetime:
    """A shopper who asked for a person is waiting from the moment they asked, at the latest."""
    return awaiting_since if awaiting_since is not None else now


def on_visitor_message(
    awaiting_since: datetime | None, *, human_involved: bool, now: datetime
) -> datetime | None:
    """Only the earliest unanswered message counts; before handoff the bot answers, no clock."""
    if not human_involved:
        return awaiting_since
    return awaiting_since if awaiting_since is not None else now


def on_agent_message(awaiting_since: datetime | None, now: datetime) -> tuple[int | None, None]:
    """The reply's response time in ms (None when nobody was waiting) and the reset clock."""
    if awaiting_since is None:
        return None, None
    elapsed_ms = int((now - awaiting_since).total_seconds() * 1000)
    return max(0, elapsed_ms), None


# ---- SLA clocks: derived from the stored times, never kept anywhere else ----------------------

Kind = Literal["first_response", "next_response", "resolution"]
State = Literal["ok", "warning", "breached"]
Alert = Literal["sla_warning", "sla_breach"]
_RANK: dict[State, int] = {"ok": 0, "warning": 1, "breached": 2}


@dataclass(frozen=True)
class ChatTimes:
    """The stored times of one conversation that the clocks read."""

    status: str
    queued_at: datetime | None
    first_response_at: datetime | None
    awaiting_since: datetime | None


@dataclass(frozen=True)
class Clock:
    kind: Kind
    started_at: datetime
    target_s: int
    warn_s: int
    # Counted seconds so far (service hours only, when the policy says so).
    elapsed_s: float
    # False while the calendar is closed: the clock is paused.
    running: bool

    @property
    def state(self) -> State:
        if self.elapsed_s >= self.target_s:
            return "breached"
        if self.elapsed_s >= self.warn_s:
            return "warning"
        return "ok"

    def due(self) -> tuple[Alert, ...]:
        """The alerts this clock has earned so far, in order."""
        state = self.state
        if state == "breached":
            return ("sla_warning", "sla_breach")
        return ("sla_warning",) if state == "warning" else ()


def running_clocks(
    times: ChatTimes, policy: SlaPolicy, calendar: ServiceCalendar, now: datetime
) -> list[Clock]:
    """The clocks of an open chat at `now`: the first response from the moment the shopper asked
    for a person (typed or not) until an agent's first answer; then the next response from the
    earliest unanswered shopper message; the resolution from queueing until the chat closes."""
    if times.status not in HUMAN_STATES or times.queued_at is None:
        return []
    starts: list[tuple[Kind, datetime, int]] = []
    if times.first_response_at is None:
        starts.append(("first_response", times.queued_at, policy.first_response_s))
    elif times.awaiting_since is not None:
        starts.append(("next_response", times.awaiting_since, policy.next_response_s))
    starts.append(("resolution", times.queued_at, policy.resolution_s))
    running = calendar.is_open(now)
    return [
        Clock(
            kind=kind,
            started_at=started,
            target_s=target,
            warn_s=policy.warn_after(target),
            elapsed_s=calendar.open_seconds_between(started, now),
            running=running,
        )
        for kind, started, target in starts
    ]


def worst_state(clocks: list[Clock]) -> State | None:
    if not clocks:
        return None
    return max((clock.state for clock in clocks), key=_RANK.__getitem__)


def alert_key(alert: str, kind: str, started_at: datetime) -> tuple[str, str, str]:
    """One alert of one clock: fired once, whatever restarts or processes come between."""
    return (alert, kind, started_at.astimezone(UTC).isoformat())


def due_alerts(clocks: list[Clock], fired: set[tuple[str, str, str]]) -> list[tuple[Alert, Clock]]:
    return [
        (alert, clock)
        for clock in clocks
        for alert in clock.due()
        if alert_key(alert, clock.kind, clock.started_at) not in fired
    ]


def next_threshold_at(
    clocks: list[Clock], calendar: ServiceCalendar, now: datetime
) -> datetime | None:
    """The earliest moment one of these clocks could pass a threshold it has not reached yet
    (None: none ahead). Never late: service hours only slow a clock down; while the calendar is
    closed it is counted from the next opening (None when it never opens again)."""
    ahead = [
        threshold - clock.elapsed_s
        for clock in clocks
        for threshold in (clock.warn_s, clock.target_s)
        if clock.elapsed_s < threshold
    ]
    if not ahead:
        return None
    counting_from = now if clocks[0].running else calendar.next_open(now)
    if counting_from is None:
        return None
    return counting_from + timedelta(seconds=min(ahead))

"""The SLA clocks, derived from stored times with an injected `now` (no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatserver.domain import sla
from chatserver.domain.business_hours import ServiceCalendar, Span
from chatserver.domain.sla_policy import AFTERSALES_DEFAULT, SHOP_DEFAULT, default_for_group

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ALWAYS = ServiceCalendar.always_open()


# Open 09:00–18:00 UTC every day.
NINE_TO_SIX = ServiceCalendar(zone="UTC", weekly=tuple((Span(9 * 60, 18 * 60),) for _ in range(7)))


def queued(at: datetime = T0, **times: datetime | None) -> sla.ChatTimes:
    values = {"first_response_at": None, "awaiting_since": at, **times}
    return sla.ChatTimes(status="queued", queued_at=at, **values)  # type: ignore[arg-type]


def clock(times: sla.ChatTimes, seconds: float, calendar: ServiceCalendar = ALWAYS) -> sla.Clock:
    now = T0 + timedelta(seconds=seconds)
    clocks = sla.running_clocks(times, SHOP_DEFAULT, calendar, now)
    return clocks[0]


def test_the_first_response_clock_runs_from_the_request_and_warns_before_it_breaches() -> None:
    times = queued()
    assert clock(times, 44).kind == "first_response"
    assert clock(times, 44).state == "ok" and clock(times, 44).due() == ()
    assert clock(times, 45).state == "warning"
    assert clock(times, 45).due() == ("sla_warning",)
    assert clock(times, 60).state == "breached"
    assert clock(times, 60).due() == ("sla_warning", "sla_breach")


def test_after_the_first_answer_the_next_response_clock_runs_from_the_oldest_unanswered() -> None:
    answered = sla.ChatTimes(
        status="assigned",
        queued_at=T0,
        first_response_at=T0 + timedelta(seconds=20),
        awaiting_since=None,
    )
    kinds = [
        c.kind
        for c in sla.running_clocks(answered, SHOP_DEFAULT, ALWAYS, T0 + timedelta(minutes=5))
    ]
    assert kinds == ["resolution"]  # nobody waits for an answer now
    waiting = sla.ChatTimes(
        status="assigned",
        queued_at=T0,
        first_response_at=T0 + timedelta(seconds=20),
        awaiting_since=T0 + timedelta(seconds=100),
    )
    next_clock = clock(waiting, 150)
    assert next_clock.kind == "next_response"
    assert next_clock.started_at == T0 + timedelta(seconds=100)
    assert next_clock.elapsed_s == 50 and next_clock.state == "warning"
    assert clock(waiting, 160).state == "breached"


def test_the_resolution_clock_breaches_after_48_hours() -> None:
    clocks = sla.running_clocks(queued(), SHOP_DEFAULT, ALWAYS, T0 + timedelta(hours=48))
    resolution = next(c for c in clocks if c.kind == "resolution")
    assert resolution.target_s == 48 * 3600 and resolution.state == "breached"
    assert sla.worst_state(clocks) == "breached"


def test_closed_and_bot_chats_have_no_clocks() -> None:
    for status in ("bot", "closed"):
        times = sla.ChatTimes(
            status=status, queued_at=T0, first_response_at=None, awaiting_since=T0
        )
        assert sla.running_clocks(times, SHOP_DEFAULT, ALWAYS, T0 + timedelta(hours=1)) == []


def test_service_hours_pause_the_clock_overnight() -> None:
    calendar = NINE_TO_SIX
    evening = T0.replace(hour=17, minute=59, second=30)
    times = queued(evening)
    # 30 s before closing, then the night: still 30 s, paused, no alert.
    night = sla.running_clocks(times, SHOP_DEFAULT, calendar, evening + timedelta(hours=3))[0]
    assert night.elapsed_s == 30 and not night.running and night.state == "ok"
    # Counting on from 09:00: 15 s later it is 45 s, the warning.
    morning = evening.replace(hour=9, minute=0, second=15) + timedelta(days=1)
    warned = sla.running_clocks(times, SHOP_DEFAULT, calendar, morning)[0]
    assert warned.elapsed_s == 45 and warned.running and warned.state == "warning"
    # Wall-clock counting would have breached long ago.
    wall = sla.running_clocks(times, SHOP_DEFAULT, ALWAYS, evening + timedelta(hours=3))[0]
    assert wall.state == "breached"


def test_an_alert_is_due_once_per_clock() -> None:
    clocks = sla.running_clocks(queued(), SHOP_DEFAULT, ALWAYS, T0 + timedelta(seconds=61))
    due = sla.due_alerts(clocks, set())
    assert [(alert, c.kind) for alert, c in due] == [
        ("sla_warning", "first_response"),
        ("sla_breach", "first_response"),
    ]
    fired = {sla.alert_key(alert, c.kind, c.started_at) for alert, c in due}
    assert sla.due_alerts(clocks, fired) == []
    # A new round (queued again later) is a new clock with alerts of its own.
    later = sla.running_clocks(
        queued(T0 + timedelta(hours=1)), SHOP_DEFAULT, ALWAYS, T0 + timedelta(hours=1, seconds=50)
    )
    assert [a for a, _ in sla.due_alerts(later, fired)] == ["sla_warning"]


def test_after_sales_defaults_to_five_minutes() -> None:
    policy = default_for_group("aftersales", SHOP_DEFAULT)
    assert policy.first_response_s == AFTERSALES_DEFAULT.first_response_s == 300
    assert policy.warn_after(300) == 225 and policy.resolution_s == 48 * 3600
    assert default_for_group("presales", SHOP_DEFAULT) == SHOP_DEFAULT
    assert SHOP_DEFAULT.warn_after(60) == 45


def test_the_next_threshold_is_never_later_than_the_clock_reaching_it() -> None:
    times = queued()
    fresh = sla.running_clocks(times, SHOP_DEFAULT, ALWAYS, T0 + timedelta(seconds=10))
    # The first response warns at 45 s: 35 s on.
    assert sla.next_threshold_at(fresh, ALWAYS, T0 + timedelta(seconds=10)) == T0 + timedelta(
        seconds=45
    )
    warned = sla.running_clocks(times, SHOP_DEFAULT, ALWAYS, T0 + timedelta(seconds=50))
    assert sla.next_threshold_at(warned, ALWAYS, T0 + timedelta(seconds=50)) == T0 + timedelta(
        seconds=60
    )
    # Past every threshold but the resolution's: its warning, 36 h in.
    late = T0 + timedelta(hours=1)
    breached = sla.running_clocks(times, SHOP_DEFAULT, ALWAYS, late)
    assert sla.next_threshold_at(breached, ALWAYS, late) == T0 + timedelta(hours=36)
    assert sla.next_threshold_at([], ALWAYS, late) is None


def test_a_paused_clock_is_next_looked_at_from_the_opening() -> None:
    evening = T0.replace(hour=17, minute=59, second=30)
    night = evening + timedelta(hours=3)
    clocks = sla.running_clocks(queued(evening), SHOP_DEFAULT, NINE_TO_SIX, night)
    # 30 s counted before closing; the warning is 15 s after 09:00 next day.
    morning = evening.replace(hour=9, minute=0, second=15) + timedelta(days=1)
    assert sla.next_threshold_at(clocks, NINE_TO_SIX, night) == morning

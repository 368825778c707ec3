"""Report rules (报表): periods in the shop's time zone, first-response targets, the figures.

A report counts conversations by the moment they started (`conversations.created_at`), put into
the shop's local day, ISO week (Monday first) or calendar month, and by the agent or group of
their latest service round. Shares are rounded to four decimals and durations to tenths of a
second; a share or an average over nothing is None (shown as 「—」), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from chatserver.errors import invalid

Period = Literal["day", "week", "month", "all"]
PERIODS: Final[tuple[Period, ...]] = ("day", "week", "month", "all")
Dimension = Literal["shop", "agents", "groups"]

# At most this many periods in one report: a year of days. Longer ranges ask for weeks or months.
MAX_BUCKETS: Final = 400

# p90 as the exact fraction 9/10, so both databases pick the same neighbours to interpolate.
P90_NUMERATOR: Final = 9
P90_DENOMINATOR: Final = 10

COMPLAINT_REASON: Final = "complaint"


@dataclass(frozen=True, slots=True)
class FirstResponseTargets:
    """Seconds per group (from the SLA policies, views/sla.policy_for); a conversation with no
    group (or an unlisted one) gets `default`."""

    default: int
    by_group: dict[int, int]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period of a report: [start, end) in UTC, labelled by its local start."""

    index: int
    label: str
    start: datetime
    end: datetime


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _period_start(day: date, period: Period) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _next_start(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def label(start: date, period: Period) -> str:
    return start.strftime("%Y-%m") if period == "month" else start.isoformat()


def buckets(start: datetime, end: datetime, period: Period, zone: ZoneInfo) -> list[Bucket]:
    """The local periods covering [start, end), each clipped to the range.

    Boundaries are local midnights converted one by one, so a zone with summer time still
    gets days of 23 or 25 hours where it should.
    """
    if start >= end:
        raise invalid("from 必须早于 to", field="from")
    if period == "all":
        return [Bucket(0, "全部", start.astimezone(UTC), end.astimezone(UTC))]
    found: list[Bucket] = []
    local = _period_start(start.astimezone(zone).date(), period)
    while True:
        begins = _local_midnight(local, zone)
        if begins >= end:
            break
        following = _next_start(local, period)
        ends = _local_midnight(following, zone)
        found.append(Bucket(len(found), label(local, period), max(begins, start), min(ends, end)))
        if len(found) > MAX_BUCKETS:
            raise invalid(
                f"时间范围过长：最多 {MAX_BUCKETS} 个统计周期，请按周或按月查看", field="period"
            )
        local = following
    return [Bucket(b.index, b.label, b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in found]


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def p90_position(count: int) -> tuple[int, float]:
    """0-based index of the lower neighbour and the weight of the upper one (percentile_cont)."""
    scaled = (count - 1) * P90_NUMERATOR
    return scaled // P90_DENOMINATOR, (scaled % P90_DENOMINATOR) / P90_DENOMINATOR


def interpolate(lower: float, upper: float | None, weight: float) -> float:
    """percentile_cont's linear interpolation between two neighbouring values."""
    if upper is None:
        return float(lower)
    return float(lower) + (float(upper) - float(lower)) * weight


def empty_figures() -> dict[str, Any]:
    """Every figure of a report row, for a row that had nothing."""
    return {
        "conversations": 0,
        "bot_resolved": 0,
        "bot_resolved_share": None,
        "handed_off": 0,
        "handoff_reasons": {},
        "complaints": 0,
        "answered": 0,
        "first_response_avg_s": None,
        "first_response_p90_s": None,
        "within_sla": 0,
        "within_sla_share": None,
        "sla_breaches": 0,
        "handled": 0,
        "handling_avg_s": None,
        "rated": 0,
        "satisfied": 0,
        "satisfaction_rate": None,
        "rating_avg": None,
        "messages": 0,
    }


def finish(figures: dict[str, Any]) -> dict[str, Any]:
    """The shares that follow from the counts."""
    figures["bot_resolved_share"] = share(figures["bot_resolved"], figures["conversations"])
    figures["within_sla_share"] = share(figures["within_sla"], figures["answered"])
    figures["satisfaction_rate"] = share(figures["satisfied"], figures["rated"])
    figures["complaints"] = figures["handoff_reasons"].get(COMPLAINT_REASON, 0)
    return figures

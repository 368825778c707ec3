"""When a shop's people are at work: its time zone, weekly hours, holidays and exceptions.

`ServiceCalendar` is pure and frozen. Times go in and out as aware datetimes (UTC in the
contract); the shop's zone is applied inside, so a span is wall-clock time in the shop even
across a daylight-saving change. A span belongs to the date it starts on: an overnight span
(22:00–02:00) starting on a holiday is closed with that holiday, and an exception replaces
every span starting on its date.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
DAY_MINUTES = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Open from `start` to `end`, minutes after local midnight. `end` may be 1440 (24:00);
    `end <= start` runs overnight into the next day."""

    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    @property
    def end_offset(self) -> int:
        """Minutes after the start date's midnight the span ends."""
        return self.end + DAY_MINUTES if self.overnight else self.end


# The manual's shifts: day 09:00–18:00 and evening 18:00–23:00, every day.
DEFAULT_SHIFTS: tuple[Span, ...] = (Span(9 * 60, 18 * 60), Span(18 * 60, 23 * 60))

Week = tuple[tuple[Span, ...], ...]


def _default_week() -> Week:
    return tuple(DEFAULT_SHIFTS for _ in WEEKDAYS)


@dataclass(frozen=True)
class ServiceCalendar:
    zone: str = DEFAULT_ZONE
    # Monday first, seven entries.
    weekly: Week = field(default_factory=_default_week)
    holidays: frozenset[date] = frozenset()
    # A date's own spans instead of its weekday's (an empty tuple closes it, like a holiday).
    # Left out of the hash (a mapping has none); still compared.
    exceptions: Mapping[date, tuple[Span, ...]] = field(default_factory=dict, hash=False)
    always: bool = False

    @classmethod
    def always_open(cls) -> ServiceCalendar:
        """Wall-clock counting: open at every instant."""
        return cls(zone="UTC", always=True)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The spans starting on the local date `day`."""
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]

    def _intervals_starting(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The open intervals starting on local `day`, as UTC instants, in order."""
        midnight = datetime(day.year, day.month, day.day)
        tz = self.tz
        for span in sorted(self.spans_on(day)):
            start = _to_utc(midnight + timedelta(minutes=span.start), tz)
            end = _to_utc(midnight + timedelta(minutes=span.end_offset), tz)
            if end > start:  # a span swallowed by a DST gap is no span
                yield start, end

    def _intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """Merged, ordered open intervals starting on local dates first..last."""
        raw: list[tuple[datetime, datetime]] = []
        day = first
        while day <= last:
            raw.extend(self._intervals_starting(day))
            day += timedelta(days=1)
        raw.sort()
        merged: list[tuple[datetime, datetime]] = []
        for start, end in raw:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def _local_date(self, at: datetime) -> date:
        return _aware(at).astimezone(self.tz).date()

    def is_open(self, at: datetime) -> bool:
        if self.always:
            return True
        at = _aware(at)
        today = self._local_date(at)
        # Yesterday's overnight span may still be running.
        return any(
            start <= at < end for start, end in self._intervals(today - timedelta(days=1), today)
        )

    def next_open(self, at: datetime) -> datetime | None:
        """`at` itself when open, else the next opening (UTC); None when never open again."""
        if self.always:
            return at
        at = _aware(at)
        today = self._local_date(at)
        # Past the last exception, every weekday comes round within 8 days; each holiday can
        # push that on by a day at most. Beyond the horizon nothing new can open.
        last_exception = max((d for d in self.exceptions if d > today), default=today)
        horizon = last_exception + timedelta(days=8 + len(self.holidays))
        day = today - timedelta(days=1)
        while day <= horizon:
            chunk_end = min(day + timedelta(days=31), horizon)
            for start, end in self._intervals(day, chunk_end):
                if end > at:
                    return max(start, at).astimezone(UTC)
            day = chunk_end + timedelta(days=1)
        return None

    def open_seconds_between(self, start: datetime, end: datetime) -> float:
        """Seconds of [start, end) inside service hours."""
        start, end = _aware(start), _aware(end)
        if end <= start:
            return 0.0
        if self.always:
            return (end - start).total_seconds()
        first = self._local_date(start) - timedelta(days=1)
        total = 0.0
        for open_at, close_at in self._intervals(first, self._local_date(end)):
            overlap = (min(close_at, end) - max(open_at, start)).total_seconds()
            if overlap > 0:
                total += overlap
        return total


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: service hours need an aware time")
    return at


def _to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A shop wall-clock time as a UTC instant. In a DST gap the time reads with the offset
    before the change (02:30 on a spring-forward night is 03:30 summer time); in a repeated
    hour, the first of the two."""
    return local.replace(tzinfo=tz).astimezone(UTC)

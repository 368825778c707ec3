"""The service calendar (the shared contract with the business-hours work).

Minimal until that work lands: only the always-open calendar, which counts wall-clock time.
The full version (a shop's time zone, weekly hours, holidays) replaces this module and keeps
exactly this interface: aware UTC datetimes in, the shop's zone applied inside.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ServiceCalendar:
    @classmethod
    def always_open(cls) -> ServiceCalendar:
        return cls()

    def is_open(self, at: datetime) -> bool:
        return True

    def next_open(self, at: datetime) -> datetime | None:
        """The first open moment at or after `at` (None: never open)."""
        return at

    def open_seconds_between(self, start: datetime, end: datetime) -> float:
        """Seconds of service hours in [start, end)."""
        return max(0.0, (end - start).total_seconds())

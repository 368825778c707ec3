"""When a shopper was last seen: a record kept to the minute.

Nothing reads `visitors.last_seen_at` back to the second, so a write is spared until the stored
time is more than a minute old: on the many reconnects that follow each other, and on every
message of a conversation (on SQLite each such write is the one writer's time)."""

from __future__ import annotations

from datetime import datetime, timedelta

LAST_SEEN_PRECISION = timedelta(minutes=1)


def stale_before(now: datetime) -> datetime:
    """A stored time older than this is worth writing again (in Python or in a query)."""
    return now - LAST_SEEN_PRECISION


def worth_recording(last_seen_at: datetime | None, now: datetime) -> bool:
    return last_seen_at is None or last_seen_at < stale_before(now)

"""When a shopper was last seen is kept to the minute (chatserver/domain/last_seen.py)."""

from __future__ import annotations

from datetime import timedelta

from chatserver.db.models import utcnow
from chatserver.domain.last_seen import LAST_SEEN_PRECISION, worth_recording


def test_last_seen_is_worth_recording_once_over_a_minute_old() -> None:
    now = utcnow()
    assert worth_recording(None, now)
    assert not worth_recording(now - LAST_SEEN_PRECISION, now)
    assert worth_recording(now - LAST_SEEN_PRECISION - timedelta(seconds=1), now)

"""The response clock (design.md, "State and rules").

It starts at the first shopper message not yet answered by a human after handoff (or at the
handoff itself when the shopper pressed 转人工 without writing) and stops at the next agent
message, which stores the elapsed time as its `response_ms`.
"""

from __future__ import annotations

from datetime import datetime


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

"""The conversation state machine: bot → queued → assigned → closed (closed reopens as bot)."""

from __future__ import annotations

from typing import Final, Literal

Status = Literal["bot", "queued", "assigned", "closed"]

BOT: Final = "bot"
QUEUED: Final = "queued"
ASSIGNED: Final = "assigned"
CLOSED: Final = "closed"

ALLOWED: Final[dict[str, frozenset[str]]] = {
    BOT: frozenset({QUEUED, CLOSED}),
    QUEUED: frozenset({ASSIGNED, CLOSED}),
    # assigned → queued: the agent went offline or stayed disconnected past the grace period.
    ASSIGNED: frozenset({QUEUED, CLOSED}),
    CLOSED: frozenset({BOT}),
}

# A human is in charge (or about to be): the bot stays silent.
HUMAN_STATES: Final = frozenset({QUEUED, ASSIGNED})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())

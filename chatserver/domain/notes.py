"""Private notes and coloured flags on a conversation: staff-only marks, as the shop manuals
keep them on orders (a coloured flag and the agent's id; notes for the next shift)."""

from __future__ import annotations

from typing import Any

from chatserver.domain.text import clean_text
from chatserver.errors import invalid

MAX_NOTE_LENGTH = 1000

# The manuals' colours and what each means (manuals 000, 003), in their order.
FLAG_MEANINGS: dict[str, str] = {
    "red": "常规",
    "yellow": "特殊配送",
    "green": "延迟发货",
    "blue": "赠品或退款",
    "purple": "其他",
}
FLAG_ERROR = "flag 必须是 red、yellow、green、blue、purple 或 null"


def clean_note_text(value: Any) -> str:
    """A note is typed like a chat message and follows the same rules, with its own limit."""
    return clean_text(value, limit=MAX_NOTE_LENGTH, noun="备注")


def clean_flag(value: Any) -> str | None:
    """One of the five colours, or None to clear the flag."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in FLAG_MEANINGS:
        raise invalid(FLAG_ERROR)
    return value

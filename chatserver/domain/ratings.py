"""Satisfaction ratings (满意度): who is asked, when a rating is open, what counts as satisfied.

The shop manuals' survey after service: when an agent closes a chat a person served, the
shopper is asked once to rate that service round 1–5 with an optional comment. The target is
95% satisfied (4 or 5) among the rated rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from chatserver.domain import states
from chatserver.domain.text import clean_stored_text
from chatserver.errors import AppError, invalid

MIN_SCORE: Final = 1
MAX_SCORE: Final = 5
SATISFIED_FROM: Final = 4
MAX_COMMENT_LENGTH: Final = 500
SATISFACTION_TARGET: Final = 0.95

RatingState = Literal["none", "open", "rated"]


@dataclass(frozen=True, slots=True)
class ServiceRound:
    """The latest closing of a conversation, as its `closed` event row recorded it."""

    close_event_id: int
    agent_id: int | None
    rating_requested: bool


def asks_for_rating(status_before_close: str, agent_id: int | None) -> bool:
    """Only a chat a person was serving is rated: a bot-only or still-queued chat is not."""
    return status_before_close == states.ASSIGNED and agent_id is not None


def rating_state(status: str, last_round: ServiceRound | None, rated: bool) -> RatingState:
    """Whether the shopper may rate now.

    The round asked about is the latest closing. It stays open after the shopper writes again
    (the chat is back with the bot: a 谢谢 after the farewell must not lose the rating), and
    ends when a person is asked for or serving again, which starts the next round.
    """
    if last_round is None or not last_round.rating_requested:
        return "none"
    if status in states.HUMAN_STATES:
        return "none"
    return "rated" if rated else "open"


def clean_score(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("评分必须是 1 到 5 的整数", field="score")
    if not MIN_SCORE <= value <= MAX_SCORE:
        raise invalid("评分必须是 1 到 5 的整数", field="score")
    return value


def clean_comment(value: Any) -> str | None:
    """The comment to store, None when there is none. It is optional: blank means none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("评价内容必须是文字", field="comment")
    if len(value) > MAX_COMMENT_LENGTH:
        raise AppError(
            "text_too_long", f"评价内容不能超过 {MAX_COMMENT_LENGTH} 个字", field="comment"
        )
    text = clean_stored_text(value)
    if text is None:
        raise invalid("评价内容包含无效字符", field="comment")
    return text or None


def is_satisfied(score: int) -> bool:
    return score >= SATISFIED_FROM


def satisfaction_rate(satisfied: int, rated: int) -> float | None:
    """The share of satisfied ratings, to four decimals; None when nothing was rated."""
    if rated == 0:
        return None
    return round(satisfied / rated, 4)


def tally(counts: dict[int, int]) -> dict[str, Any]:
    """Figures for a set of ratings given as {score: how many}: the shape reports read."""
    rated = sum(counts.values())
    satisfied = sum(n for score, n in counts.items() if is_satisfied(score))
    return {
        "rated": rated,
        "satisfied": satisfied,
        "satisfaction_rate": satisfaction_rate(satisfied, rated),
        "scores": {str(score): counts.get(score, 0) for score in range(MIN_SCORE, MAX_SCORE + 1)},
    }

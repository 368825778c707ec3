"""What the bot could not answer: which of its turns count, and how they are shown in groups.

Every shopper message the bot handles gets an outcome. Those it could not answer confidently
(it offered choices, said it did not understand, or gave up and handed off), and answers after
which the shopper asked for a person at once, are its gaps: the admin console lists them,
grouped by meaning, until a supervisor adds them to the FAQ or dismisses them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Outcome = Literal[
    "answered", "chosen", "suggested", "fallback", "handoff", "requested", "small_talk"
]
# The bot's turns that leave a question unanswered ("handoff": it gave up, bot_unsure).
UNANSWERED: tuple[Outcome, ...] = ("suggested", "fallback", "handoff")
# A request for a person this soon after a confident answer says the answer did not help.
ESCALATION_WINDOW = timedelta(minutes=10)
EXAMPLES_SHOWN = 3

Resolution = Literal["similar", "created", "dismissed"]


def outcome_of(action: str, reason: str | None, *, tapped_choice: bool) -> Outcome:
    """The outcome of one bot turn from domain/handoff.py's decision."""
    if action == "answer":
        return "chosen" if tapped_choice else "answered"
    if action == "suggest":
        return "suggested"
    if action == "small_talk":
        return "small_talk"
    if action == "handoff":
        return "handoff" if reason == "bot_unsure" else "requested"
    return "fallback"


def escalates(outcome: str, asked_at: datetime, now: datetime) -> bool:
    """Whether a handoff now marks the latest question (answered at `asked_at`) as not helped."""
    # A tapped choice ("chosen") is the FAQ's own question: nothing to learn from its wording.
    return outcome == "answered" and now - asked_at <= ESCALATION_WINDOW


@dataclass(frozen=True)
class AskedQuestion:
    id: int
    text: str
    outcome: str
    created_at: datetime
    escalated: bool = False
    faq_id: int | None = None
    score: float | None = None


@dataclass(frozen=True)
class QuestionGroup:
    members: tuple[AskedQuestion, ...]

    @property
    def representative(self) -> str:
        """The wording asked most often; among equals, the latest."""
        counts = Counter(q.text for q in self.members)
        latest = {q.text: q.created_at for q in self.members}
        return max(counts, key=lambda text: (counts[text], latest[text]))

    @property
    def last_seen(self) -> datetime:
        return max(q.created_at for q in self.members)

    @property
    def best_candidate(self) -> int | None:
        """The entry the matcher thought closest, weighed by its scores over the group."""
        votes: dict[int, float] = {}
        for q in self.members:
            if q.faq_id is not None:
                votes[q.faq_id] = votes.get(q.faq_id, 0.0) + (
                    q.score if q.score is not None else 1.0
                )
        # On equal totals the entry first voted for wins (max keeps the first).
        return max(votes, key=votes.__getitem__) if votes else None

    def examples(self) -> list[AskedQuestion]:
        """A few different wordings, newest first."""
        seen: dict[str, AskedQuestion] = {}
        for question in sorted(self.members, key=lambda q: q.created_at, reverse=True):
            seen.setdefault(question.text, question)
        return list(seen.values())[:EXAMPLES_SHOWN]


def ordered(groups: list[QuestionGroup], order: Literal["count", "recent"]) -> list[QuestionGroup]:
    """Most frequent first (then newest), or newest first (then most frequent)."""
    if order == "recent":
        return sorted(groups, key=lambda g: (g.last_seen, len(g.members)), reverse=True)
    return sorted(groups, key=lambda g: (len(g.members), g.last_seen), reverse=True)

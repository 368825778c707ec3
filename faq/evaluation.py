"""Evaluation of a matcher on labelled queries: top-1/top-3, confident precision and coverage.

The query file is TSV, one `gold_id<TAB>query` per line, gold `-` for a query the FAQ does
not cover (out of scope), or `id1|id2` for a message that asks two things (either entry is
right, and top-3 counts when either is among the first three); blank lines and lines starting
with `#` are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from faq.entries import FaqFileError
from faq.index import FaqIndex, MatchResult

__all__ = [
    "OUT_OF_SCOPE",
    "EvalReport",
    "LabelledQuery",
    "evaluate",
    "load_queries",
]

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class LabelledQuery:
    gold: str
    query: str

    @property
    def in_scope(self) -> bool:
        return self.gold != OUT_OF_SCOPE

    @property
    def golds(self) -> frozenset[str]:
        """The entries that answer the query (two for a two-intent `id1|id2` message)."""
        return frozenset(part.strip() for part in self.gold.split("|") if part.strip())

    def right(self, entry_id: str) -> bool:
        return self.in_scope and entry_id in self.golds


@dataclass(frozen=True)
class Mistake:
    gold: str
    predicted: str
    score: float
    confident: bool
    query: str


@dataclass(frozen=True)
class EvalReport:
    """Figures of one evaluation run; rates are 0-1."""

    queries: int
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    confident_precision: float
    confident_coverage: float
    out_of_scope_confident: float
    mistakes: list[Mistake] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return [
            f"queries                  {self.queries} "
            f"({self.in_scope} in scope, {self.out_of_scope} out of scope)",
            f"top-1                    {self.top1:.3f}",
            f"top-3                    {self.top3:.3f}",
            f"confident precision      {self.confident_precision:.3f}",
            f"confident coverage       {self.confident_coverage:.3f}  (in-scope answered)",
            f"out-of-scope confident   {self.out_of_scope_confident:.3f}",
        ]

    def confusion_lines(self) -> list[str]:
        pairs = Counter((m.gold, m.predicted) for m in self.mistakes)
        lines = [
            f"{count:3d}  {gold} -> {predicted}" for (gold, predicted), count in pairs.most_common()
        ]
        lines.extend(
            f"     {'CONFIDENT ' if m.confident else ''}{m.gold} -> {m.predicted} "
            f"({m.score:.1f}): {m.query}"
            for m in self.mistakes
        )
        return lines


def load_queries(path: str | Path) -> list[LabelledQuery]:
    """Read a `gold_id<TAB>query` file."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise FaqFileError(f"{path}: cannot read: {error.strerror or error}") from error
    queries: list[LabelledQuery] = []
    for line_number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        gold, separator, query = line.partition("\t")
        if not separator or not gold.strip():
            raise FaqFileError(f"{path} line {line_number}: expected 'gold_id<TAB>query'")
        queries.append(LabelledQuery(gold=gold.strip(), query=query))
    return queries


Matcher = Callable[[str], MatchResult]


def evaluate(
    matcher: FaqIndex | Matcher,
    queries: Iterable[LabelledQuery],
) -> EvalReport:
    """Run every query through the matcher and compute the figures."""
    match: Matcher = matcher.match if isinstance(matcher, FaqIndex) else matcher
    labelled = list(queries)
    in_scope = [q for q in labelled if q.in_scope]
    out_of_scope = [q for q in labelled if not q.in_scope]
    top1 = top3 = confident_total = confident_right = covered = oos_confident = 0
    mistakes: list[Mistake] = []
    for item in labelled:
        result = match(item.query)
        ranked = [m.id for m in result.matches]
        best = result.best
        predicted = best.id if best else OUT_OF_SCOPE
        right = item.right(predicted)
        if item.in_scope:
            top1 += right
            top3 += any(item.right(entry_id) for entry_id in ranked[:3])
            covered += result.confident and right
        if result.confident:
            confident_total += 1
            confident_right += right
            oos_confident += not item.in_scope
        wrong_top1 = item.in_scope and not right
        wrong_confident = result.confident and not right
        if wrong_top1 or wrong_confident:
            mistakes.append(
                Mistake(
                    gold=item.gold,
                    predicted=predicted,
                    score=best.score if best else 0.0,
                    confident=result.confident,
                    query=item.query,
                )
            )
    return EvalReport(
        queries=len(labelled),
        in_scope=len(in_scope),
        out_of_scope=len(out_of_scope),
        top1=_rate(top1, len(in_scope)),
        top3=_rate(top3, len(in_scope)),
        confident_precision=_rate(confident_right, confident_total, empty=1.0),
        confident_coverage=_rate(covered, len(in_scope)),
        out_of_scope_confident=_rate(oos_confident, len(out_of_scope)),
        mistakes=mistakes,
    )


def _rate(count: int, total: int, empty: float = 0.0) -> float:
    return count / total if total else empty

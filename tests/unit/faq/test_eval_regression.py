"""The eval set as a regression test: figures may not fall below these floors.

Floors sit slightly under what the matcher reaches (see docs/benchmarks.md (FAQ matcher)), so a real
regression fails while harmless score jitter does not. Raise them when the matcher improves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from faq import FaqIndex, load_default_faq
from faq.evaluation import EvalReport, evaluate, load_queries

DATA = Path(__file__).resolve().parents[2] / "data"

# Reached in the fourth round (smarter unknown-word gates, story clauses, clause confidence;
# see docs/faq.md): tune 1.000 / 1.000 / 1.000 / 0.909 / 0.000 OOS, held-out 0.978 / 0.993 /
# 0.992 / 0.877 / 0.016 OOS, blind set 1 0.898 / 0.980 / 0.979 / 0.551 / 0.016 OOS (all three
# are development data now); 5-fold CV over them: see docs/benchmarks.md (FAQ matcher).
FLOORS = {
    "faq_eval_tune.tsv": {
        "top1": 0.98,
        "top3": 0.99,
        "confident_precision": 0.99,
        "confident_coverage": 0.88,
    },
    "faq_eval_heldout.tsv": {
        "top1": 0.96,
        "top3": 0.985,
        "confident_precision": 0.98,
        "confident_coverage": 0.85,
    },
    # Written blind; development data since the fourth round.
    "faq_eval_blind.tsv": {
        "top1": 0.88,
        "top3": 0.97,
        "confident_precision": 0.965,
        "confident_coverage": 0.52,
    },
    # Written blind during the third round; validation in the fourth (summary figures only,
    # never its queries): last look 0.948 / 0.988 / 0.971 / 0.668 / 0.043 OOS. A floor here,
    # never a tuning target.
    "faq_eval_blind2.tsv": {
        "top1": 0.93,
        "top3": 0.975,
        "confident_precision": 0.96,
        "confident_coverage": 0.64,
    },
    # Written blind in six shopper voices during round four, evaluated once after it:
    # 0.896 / 0.956 / 0.947 / 0.432 / 0.071 OOS. A floor against regressions, not a target.
    "faq_eval_blind3.tsv": {
        "top1": 0.88,
        "top3": 0.94,
        "confident_precision": 0.93,
        "confident_coverage": 0.40,
    },
}
OUT_OF_SCOPE_CONFIDENT_CEILINGS = {
    "faq_eval_tune.tsv": 0.03,
    "faq_eval_heldout.tsv": 0.03,
    "faq_eval_blind.tsv": 0.04,  # 1/64 reached
    "faq_eval_blind2.tsv": 0.05,  # 3/70 reached
    "faq_eval_blind3.tsv": 0.08,  # 5/70 reached
}


@cache
def report(file_name: str) -> EvalReport:
    return evaluate(FaqIndex.build(load_default_faq()), load_queries(DATA / file_name))


@pytest.mark.parametrize("file_name", sorted(FLOORS))
def test_eval_set_is_large_and_has_enough_out_of_scope_queries(file_name: str) -> None:
    figures = report(file_name)
    assert figures.queries >= 200
    assert figures.out_of_scope / figures.queries >= 0.15


@pytest.mark.parametrize(
    ("file_name", "figure"),
    [(file_name, figure) for file_name, floors in FLOORS.items() for figure in floors],
)
def test_figure_stays_above_its_floor(file_name: str, figure: str) -> None:
    reached = getattr(report(file_name), figure)
    assert reached >= FLOORS[file_name][figure], f"{figure} fell to {reached:.3f}"


@pytest.mark.parametrize("file_name", sorted(OUT_OF_SCOPE_CONFIDENT_CEILINGS))
def test_out_of_scope_queries_are_rarely_answered_confidently(file_name: str) -> None:
    assert report(file_name).out_of_scope_confident <= OUT_OF_SCOPE_CONFIDENT_CEILINGS[file_name]

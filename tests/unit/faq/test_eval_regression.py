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

# Reached in the third round (shop topics, topic-based confidence; see docs/faq.md): tune
# 1.000 / 1.000 / 1.000 / 0.855 / 0.000 OOS, held-out 0.978 / 0.993 / 0.996 / 0.841 / 0.000 OOS
# (both are development data); 5-fold CV over both: precision 0.994, coverage 0.876, OOS 0.015.
FLOORS = {
    "faq_eval_tune.tsv": {
        "top1": 0.98,
        "top3": 0.99,
        "confident_precision": 0.99,
        "confident_coverage": 0.83,
    },
    "faq_eval_heldout.tsv": {
        "top1": 0.96,
        "top3": 0.985,
        "confident_precision": 0.985,
        "confident_coverage": 0.81,
    },
    # Written blind; its summary was looked at 6 times in the third round (never its queries
    # for tuning): 0.887 / 0.973 / 0.975 / 0.461 / 0.031 OOS. A floor here, not a target.
    "faq_eval_blind.tsv": {
        "top1": 0.87,
        "top3": 0.96,
        "confident_precision": 0.95,
        "confident_coverage": 0.43,
    },
    # Written blind during the third round and evaluated once after it (summary only):
    # 0.940 / 0.984 / 0.987 / 0.612 / 0.029 OOS. A floor here, never a tuning target.
    "faq_eval_blind2.tsv": {
        "top1": 0.92,
        "top3": 0.97,
        "confident_precision": 0.97,
        "confident_coverage": 0.58,
    },
}
OUT_OF_SCOPE_CONFIDENT_CEILINGS = {
    "faq_eval_tune.tsv": 0.03,
    "faq_eval_heldout.tsv": 0.03,
    "faq_eval_blind.tsv": 0.05,  # 2/64 reached
    "faq_eval_blind2.tsv": 0.05,  # 2/70 reached
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

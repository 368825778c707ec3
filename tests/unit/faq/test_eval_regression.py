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

# Reached on 2026-11-25 after round five (about ten blind-written paraphrases per entry added to
# the default FAQ, no scoring change): tune 0.996 / 1.000 / 0.989 / 0.956 / 0.043 OOS, held-out
# 0.971 / 0.996 / 0.984 / 0.888 / 0.049, blind 0.926 / 0.980 / 0.968 / 0.699 / 0.031, blind2
# 0.972 / 1.000 / 0.980 / 0.780 / 0.043, blind3 0.964 / 0.992 / 0.953 / 0.656 / 0.100, blind4
# (written blind, evaluated once as round five's measure) 0.979 / 0.996 / 0.963 / 0.780 / 0.109.
# Floors sit just under; none of the blind files is a tuning target.
# Round six (out-of-scope guard, faq/guard.py; confidence only, ranking unchanged), dev files:
# tune 0.996 / 1.000 / 1.000 / 0.956 / 0.000 OOS, held-out 0.971 / 0.996 / 0.996 / 0.888 / 0.000,
# blind 0.926 / 0.980 / 0.978 / 0.695 / 0.000, blind2 0.972 / 1.000 / 0.995 / 0.780 / 0.000,
# blind3 0.964 / 0.992 / 0.988 / 0.652 / 0.014. These files were development data for the guard
# (its errors were looked at), so the precision floors and OOS ceilings below are optimistic for
# unseen text; the blind4 entries are left as they were.
FLOORS = {
    "faq_eval_tune.tsv": {
        "top1": 0.98,
        "top3": 0.99,
        "confident_precision": 0.99,
        "confident_coverage": 0.93,
    },
    "faq_eval_heldout.tsv": {
        "top1": 0.96,
        "top3": 0.985,
        "confident_precision": 0.985,
        "confident_coverage": 0.86,
    },
    "faq_eval_blind.tsv": {
        "top1": 0.91,
        "top3": 0.97,
        "confident_precision": 0.97,
        "confident_coverage": 0.67,
    },
    "faq_eval_blind2.tsv": {
        "top1": 0.96,
        "top3": 0.99,
        "confident_precision": 0.985,
        "confident_coverage": 0.75,
    },
    "faq_eval_blind3.tsv": {
        "top1": 0.95,
        "top3": 0.98,
        "confident_precision": 0.975,
        "confident_coverage": 0.63,
    },
    # Blind set 4 (round five's measure), with the out-of-scope guard added in round six
    # (never tuned on it): 0.979 / 0.996 / 0.973 / 0.775 / 0.078 OOS.
    "faq_eval_blind4.tsv": {
        "top1": 0.96,
        "top3": 0.985,
        "confident_precision": 0.96,
        "confident_coverage": 0.75,
    },
    # Blind set 5, written blind and evaluated once as round six's measure:
    # 0.982 / 0.986 / 0.988 / 0.745 / 0.025 OOS, every target of the issue met.
    "faq_eval_blind5.tsv": {
        "top1": 0.97,
        "top3": 0.975,
        "confident_precision": 0.975,
        "confident_coverage": 0.72,
    },
}
# Out-of-scope questions answered confidently: the weak point of round five (see
# docs/benchmarks.md); ceilings just above what is reached so it cannot silently get worse.
OUT_OF_SCOPE_CONFIDENT_CEILINGS = {
    "faq_eval_tune.tsv": 0.02,
    "faq_eval_heldout.tsv": 0.02,
    "faq_eval_blind.tsv": 0.02,
    "faq_eval_blind2.tsv": 0.02,
    "faq_eval_blind3.tsv": 0.03,
    "faq_eval_blind4.tsv": 0.09,  # 5/64 reached
    "faq_eval_blind5.tsv": 0.04,  # 2/80 reached
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

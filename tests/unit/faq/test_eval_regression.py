"""The eval set as a regression test: figures may not fall below these floors.

Floors sit slightly under what the matcher reaches (see docs/benchmarks-faq.md), so a real
regression fails while harmless score jitter does not. Raise them when the matcher improves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from faq import FaqIndex, load_default_faq
from faq.evaluation import EvalReport, evaluate, load_queries

DATA = Path(__file__).resolve().parents[2] / "data"

# Reached on 2026-11-25: tune 0.956 / 0.995 / 0.994 / 0.806 / 0.022 OOS,
# held-out 0.937 / 0.976 / 0.951 / 0.751 / 0.087 OOS (the held-out half misses the issue's
# precision, top-3 and out-of-scope targets; see docs/benchmarks-faq.md).
FLOORS = {
    "faq_eval_tune.tsv": {
        "top1": 0.94,
        "top3": 0.98,
        "confident_precision": 0.98,
        "confident_coverage": 0.78,
    },
    "faq_eval_heldout.tsv": {
        "top1": 0.92,
        "top3": 0.96,
        "confident_precision": 0.93,
        "confident_coverage": 0.72,
    },
}
OUT_OF_SCOPE_CONFIDENT_CEILINGS = {"faq_eval_tune.tsv": 0.05, "faq_eval_heldout.tsv": 0.11}


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

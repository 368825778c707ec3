"""The evaluation figures, including messages that ask two things (gold `id1|id2`)."""

from __future__ import annotations

from pathlib import Path

from faq import Match, MatchResult
from faq.evaluation import LabelledQuery, evaluate, load_queries

RANKINGS = {
    "退货要运费吗，发票怎么开": (["invoice", "returns", "shipping"], True),
    "发票抬头写错了，顺便问下几天发货": (["shipping", "invoice", "returns"], False),
    "几天到": (["gift", "warranty", "stock"], False),
    "你们招代理吗": (["returns", "invoice", "shipping"], True),
}


def fixed_matcher(query: str) -> MatchResult:
    ids, confident = RANKINGS[query]
    return MatchResult(
        query=query,
        matches=[Match(id=i, score=90.0 - n, question=i, answer=i) for n, i in enumerate(ids)],
        confident=confident,
    )


def test_either_entry_of_a_two_intent_query_counts_as_right(tmp_path: Path) -> None:
    path = tmp_path / "queries.tsv"
    path.write_text(
        "# gold<TAB>query\n"
        "returns|invoice\t退货要运费吗，发票怎么开\n"
        "invoice | returns\t发票抬头写错了，顺便问下几天发货\n"
        "arrival|shipping\t几天到\n"
        "-\t你们招代理吗\n",
        encoding="utf-8",
    )
    queries = load_queries(path)
    assert queries[1].golds == frozenset({"invoice", "returns"})

    report = evaluate(fixed_matcher, queries)

    # First: invoice is one of its two entries (right, and confident). Second: shipping is
    # neither, but invoice is second (top-3 only). Third: neither entry in the top 3.
    assert report.top1 == 1 / 3
    assert report.top3 == 2 / 3
    assert report.confident_coverage == 1 / 3
    # Two confident answers: the right two-intent one and the out-of-scope one.
    assert report.confident_precision == 0.5
    assert report.out_of_scope_confident == 1.0
    assert [m.query for m in report.mistakes] == [
        "发票抬头写错了，顺便问下几天发货",
        "几天到",
        "你们招代理吗",
    ]


def test_a_single_gold_is_still_one_entry() -> None:
    query = LabelledQuery("returns", "能退吗")
    assert query.golds == frozenset({"returns"}) and query.right("returns")
    assert not query.right("invoice") and not LabelledQuery("-", "你好").right("-")

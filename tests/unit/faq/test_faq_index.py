"""FaqIndex as the bot and the agent panel use it: ranking, confidence, suggestions, rebuilds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest

from faq import FaqEntry, FaqIndex, load_default_faq


@cache
def default_index() -> FaqIndex:
    return FaqIndex.build(load_default_faq())


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        ("亲，能发顺风吗", "sf-express"),  # homophone typo of 顺丰
        ("发SF要加多少钱", "sf-express"),  # abbreviation
        ("請問可以開發票嗎", "invoice"),  # traditional script
        ("退款多久到账啊😊", "refund-time"),  # emoji and particle
        ("宝贝有货吗", "stock"),  # shop slang
        ("退宽多久能到", "refund-time"),  # homophone typo not in the synonym map
        ("包邮不", "shipping-fee"),  # very short
    ],
)
def test_shopper_questions_are_answered_confidently(query: str, expected_id: str) -> None:
    result = default_index().match(query)
    assert result.best is not None
    assert result.best.id == expected_id
    assert result.confident


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        ("拍下了什么时候发货", "shipping-time"),
        ("衣服收到了吊牌还在也没洗过不喜欢可以退吗", "return-policy"),
    ],
)
def test_slang_and_long_messages_rank_the_right_answer_first(query: str, expected_id: str) -> None:
    # Not necessarily confident (a long message dilutes the evidence), but the first
    # suggestion the shopper or the agent sees is the right one.
    suggestions = default_index().suggest(query)
    assert suggestions
    assert suggestions[0].id == expected_id


@pytest.mark.parametrize(
    "query", ["", "   ", "\n", "👍👍", "🙏", "？？？", "亲", "在吗", "亲 在吗？"]
)
def test_empty_greeting_or_emoji_only_messages_get_no_confident_answer(query: str) -> None:
    result = default_index().match(query)
    assert not result.confident
    assert result.matches == []
    assert default_index().suggest(query) == []


# 转人工 and other handoff requests are caught by the server before the FAQ is asked.
@pytest.mark.parametrize("query", ["我要投诉", "我要给差评", "我要报警", "你们是不是骗子"])
def test_complaints_are_not_answered_confidently(query: str) -> None:
    assert not default_index().match(query).confident


def test_matches_are_ranked_best_first_within_0_to_100_and_limited_to_k() -> None:
    result = default_index().match("退货运费谁出", k=3)
    assert len(result.matches) == 3
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert len(default_index().match("退货运费谁出", k=1).matches) == 1


def test_match_carries_the_answer_to_send() -> None:
    best = default_index().match("可以货到付款吗").best
    assert best is not None
    assert best.question == "可以货到付款吗？"
    assert "不支持货到付款" in best.answer


def test_vague_query_offers_choices_instead_of_guessing() -> None:
    # "运费" alone could be about the shipping fee or about return postage: ask.
    assert not default_index().match("运费").confident
    suggestions = default_index().suggest("运费")
    assert {"shipping-fee", "return-postage"} <= {m.id for m in suggestions}


def test_disabled_entries_are_never_returned() -> None:
    entries = [
        FaqEntry(id="1", question="可以发顺丰吗", answer="可以。", enabled=False),
        FaqEntry(id="2", question="包邮吗", answer="包邮。"),
    ]
    index = FaqIndex.build(entries)
    assert len(index) == 1
    assert all(m.id != "1" for m in index.match("可以发顺丰吗").matches)


def test_a_handful_of_standard_phrases_still_ranks_sensibly() -> None:
    phrases = [
        FaqEntry(id="11", question="欢迎光临，请问有什么可以帮您？", answer="欢迎光临"),
        FaqEntry(id="12", question="这款目前有现货，付款后48小时内发出", answer="有现货"),
        FaqEntry(id="13", question="感谢您的光临，期待您再次光临", answer="再见"),
    ]
    index = FaqIndex.build(phrases)
    assert [m.id for m in index.match("有现货吗", k=1).matches] == ["12"]
    assert index.match("有现货吗").confident


def test_single_entry_and_empty_indexes_work() -> None:
    single = FaqIndex.build([FaqEntry(id="only", question="包邮吗", answer="包邮。")])
    assert single.match("包邮吗").confident
    assert not single.match("发票怎么开").confident
    empty = FaqIndex.build([])
    assert empty.match("包邮吗").matches == []
    assert empty.suggest("包邮吗") == []


def test_shop_synonyms_extend_the_default_map() -> None:
    entries = [
        FaqEntry(id="sf", question="可以发顺丰吗", answer="可以。"),
        FaqEntry(id="fee", question="运费多少钱", answer="十元。"),
    ]
    plain = FaqIndex.build(entries)
    shop = FaqIndex.build(entries, {"小蓝车": "顺丰"})
    assert not plain.match("能发小蓝车吗").confident
    result = shop.match("能发小蓝车吗")
    assert result.best is not None and result.best.id == "sf" and result.confident
    # The default map still applies on top of the shop's words.
    assert shop.match("能发顺风吗").confident


def test_rebuilt_index_answers_a_newly_added_question() -> None:
    entries = load_default_faq()
    before = FaqIndex.build(entries)
    assert not before.match("请问能刻字吗").confident
    added = FaqEntry(id="engraving", question="可以刻字吗？", answer="可以，请备注内容。")
    after = FaqIndex.build([*entries, added])
    result = after.match("请问能刻字吗")
    assert result.best is not None and result.best.id == "engraving" and result.confident


def test_concurrent_matches_agree_with_sequential_ones() -> None:
    index = FaqIndex.build(load_default_faq())
    queries = ["包邮吗", "顺丰", "退款多久到", "有货吗", "发票", "尺码偏大吗"] * 20
    expected = [index.match(q) for q in queries]
    fresh = FaqIndex.build(load_default_faq())  # memoised weights start empty
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(fresh.match, queries))
    assert got == expected


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        ("我下个月要去外地读书，今天下单的话什么时候发货", "shipping-time"),
        ("我奶奶住院了，想买件外套送她，可以帮忙包装成礼物吗", "gift-wrap"),
    ],
)
def test_story_clauses_around_a_clear_question_do_not_block_confidence(
    query: str, expected_id: str
) -> None:
    # Fourth round: unknown words in clauses that name no topic and ask nothing are the story
    # around the question, not a new request.
    result = default_index().match(query)
    assert result.best is not None and result.best.id == expected_id
    assert result.confident


def test_common_general_words_are_not_unknown_but_rare_ones_are() -> None:
    from faq.features import general_frequency

    assert general_frequency("发现") > 5000  # story word: costs nothing
    assert general_frequency("直播") < 5000  # a request the FAQ does not know: still unknown
    assert not default_index().match("你们直播几点开始").confident


@pytest.mark.parametrize(
    "query", ["运费", "包邮吗", "衣服洗了缩水怎么办", "你好", "我家猫喜欢吃什么"]
)
def test_what_an_agent_is_offered_is_the_answer_when_sure_else_the_choices(query: str) -> None:
    # One ranking serves both: the agent panel's suggestions beside a shopper's message.
    index = default_index()
    result = index.match(query)
    expected = result.matches if result.confident else index.suggest(query)
    assert index.plausible(query) == expected

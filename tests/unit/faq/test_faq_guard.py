"""The out-of-scope guard (faq/guard.py): small talk, acknowledgements and intent mismatches are
never confident; real questions wrapped in greetings and thanks still are. Queries written for
this test, apart from the eval files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from faq import FaqEntry, FaqIndex, ScoringConfig, load_default_faq
from faq.guard import default_intent_table, default_small_talk_table

INDEX = FaqIndex.build(load_default_faq())

SMALL_TALK = [
    "你好",
    "您好！",
    "在吗在吗",
    "哈喽～",
    "谢谢",
    "谢谢亲❤️",
    "多谢啦",
    "好的好的",
    "好的收到👌",
    "嗯嗯",
    "ok",
    "OK的",
    "哈哈哈哈",
    "拜拜",
    "再见啦",
    "😂😂",
    "？？？",
    "。。。",
    "👍",
    "你是机器人吗",
    "你是真人吗？",
    "你叫什么名字呀",
    "转人工",
    "人工客服",
    "我要找人工",
    "帮我转人工",
    "吃饭了吗",
    "早上好呀☀️",
    "辛苦了 谢谢",
]


@pytest.mark.parametrize("query", SMALL_TALK)
def test_small_talk_is_never_confident_and_gets_no_suggestions(query: str) -> None:
    assert not INDEX.match(query).confident
    assert INDEX.suggest(query) == []


@pytest.mark.parametrize(
    ("query", "gold"),
    [
        ("你好，请问多久发货", "shipping-time"),
        ("在吗 能发顺丰吗", "sf-express"),
        ("亲 有优惠券吗 谢谢", "coupon"),
        ("谢谢，退款多久到账", "refund-time"),
        ("好的 那帮我改下地址", "change-address"),
        ("哈哈 这件偏大吗", "size-fit"),
        ("早上好 物流好几天没更新了", "logistics-stuck"),
        ("帮我改下地址 谢谢", "change-address"),
        ("刚收到 东西碎了", "parcel-damaged"),
        ("收到的杯子碎了 谢谢", "parcel-damaged"),
        ("人工客服几点上班", "service-hours"),
        ("宝贝还有吗", "stock"),
    ],
)
def test_questions_wrapped_in_small_talk_stay_confident(query: str, gold: str) -> None:
    result = INDEX.match(query)
    assert result.confident, query
    assert result.best is not None and result.best.id == gold


@pytest.mark.parametrize(
    "query",
    ["退款收到了 谢谢亲", "东西收到了，谢谢", "物流到了 谢谢", "好的 拜拜"],
)
def test_acknowledgement_with_thanks_is_not_answered(query: str) -> None:
    assert not INDEX.match(query).confident


@pytest.mark.parametrize(
    "query",
    [
        # Intent words (data/intents.tsv) the best entry is not about.
        "客服电话多少",
        "快递员的电话给我一下",
        "会员能注销吗",
        "积分能转给别人吗",
        "优惠券可以折现吗",
        "怎么修改登录密码",
        "取消的订单能恢复吗",
        "运费险怎么买",
        "可以用港币付吗",
        "这件显瘦吗",
        "适合什么身材",
        "配什么鞋好看",
        "这条裤子裤长多少",
        "你们有实体店吗",
        "能不能加个微信",
    ],
)
def test_intent_the_best_entry_is_not_about_is_not_confident(query: str) -> None:
    assert not INDEX.match(query).confident


def test_guard_changes_confidence_only_not_the_ranking() -> None:
    off = FaqIndex.build(load_default_faq(), config=ScoringConfig(out_of_scope_guard=False))
    for query in ["客服电话多少", "退款收到了 谢谢亲", "人工客服", "这件显瘦吗"]:
        assert INDEX.rank(query) == off.rank(query)
        assert INDEX.match(query).matches == off.match(query).matches


def test_every_default_question_but_a_few_keeps_its_confidence() -> None:
    # The FAQ's own 1,042 questions are in scope by definition: the guard may only take away
    # a handful (an incidental intent word such as 批发价 in a bargain question).
    off = FaqIndex.build(load_default_faq(), config=ScoringConfig(out_of_scope_guard=False))
    lost = [
        question
        for entry in load_default_faq()
        for question in entry.questions()
        if off.match(question).confident and not INDEX.match(question).confident
    ]
    assert len(lost) <= 3, lost


def test_an_entry_about_the_intent_still_answers() -> None:
    # A shop whose FAQ covers account questions answers them: the intent is the entry's own.
    entries = [
        FaqEntry("password", "登录密码忘了怎么办？", "点登录页的“忘记密码”。"),
        FaqEntry("shipping", "多久发货？", "48小时内发货。"),
    ]
    index = FaqIndex.build(entries)
    result = index.match("登录密码忘了怎么办")
    assert result.confident and result.best is not None and result.best.id == "password"


def test_guard_can_be_turned_off() -> None:
    config = replace(ScoringConfig(), out_of_scope_guard=False)
    index = FaqIndex.build(load_default_faq(), config=config)
    assert index.match("人工客服").confident
    assert index.suggest("人工客服")  # without the guard the service-hours entry is offered


def test_data_files_parse() -> None:
    assert {"greeting", "thanks", "acknowledgement", "bot", "handoff"} <= set(
        default_small_talk_table()
    )
    assert {"电话", "账号", "注销", "转让", "身材效果"} <= set(default_intent_table())

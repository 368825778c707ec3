"""Questions the default FAQ does not cover must not get a confident (wrong) answer."""

from __future__ import annotations

import pytest

from faq import FaqIndex, load_default_faq
from faq.features import is_neutral_word

INDEX = FaqIndex.build(load_default_faq())

# Written apart from the eval files: other shop topics that share words with the FAQ
# (退, 发, 运费, 尺码…) as well as chatter and account problems.
OUT_OF_SCOPE = [
    "这个充电宝能带上高铁吗",
    "你们家的面膜孕妇能用吗",
    "你们有线下门店吗",
    "能不能帮我把旧手机回收了",
    "你们招不招兼职",
    "帮我查一下明天的天气",
    "我的淘宝账号被封了",
    "怎么修改登录密码",
    "客服小姐姐你多大了",
    "我想投诉快递员",
    "你们公司营业执照给我看看",
    "这个狗粮适合几个月的狗",
    "你们老板电话多少",
    "能给我讲讲你们的品牌故事吗",
    "哈哈哈哈笑死我了",
    "好的好的收到",
    "可以用比特币支付吗",
    "有没有男朋友",
    # Near misses written for the second tuning round: FAQ nouns around another request.
    "能帮我改一下差评吗",
    "你们有小红书吗",
    "会员卡能借给朋友用吗",
    "退货的时候能顺便买点别的吗",
    "你们快递员送货上门吗",
    "客服能帮我写个作业吗",
    "积分能转给别人吗",
]


@pytest.mark.parametrize("query", OUT_OF_SCOPE)
def test_uncovered_question_is_not_answered_confidently(query: str) -> None:
    assert not INDEX.match(query).confident


@pytest.mark.parametrize(
    ("query", "gold"),
    [("黑色裤子尺码偏大吗", "size-fit"), ("白色的今天下单什么时候发货", "shipping-time")],
)
def test_context_words_do_not_count_as_another_topic(query: str, gold: str) -> None:
    # Items, colours, times and numbers (data/neutral_words.txt) are not unknown words.
    result = INDEX.match(query)
    assert result.confident
    assert result.best is not None and result.best.id == gold


@pytest.mark.parametrize(
    ("word", "neutral"),
    [("昨天", True), ("xl", True), ("200", True), ("两件", True), ("直播", False), ("评价", False)],
)
def test_neutral_words(word: str, neutral: bool) -> None:
    assert is_neutral_word(word) is neutral

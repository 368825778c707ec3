"""Questions the default FAQ does not cover must not get a confident (wrong) answer."""

from __future__ import annotations

import pytest

from faq import FaqIndex, load_default_faq

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
]


@pytest.mark.parametrize("query", OUT_OF_SCOPE)
def test_uncovered_question_is_not_answered_confidently(query: str) -> None:
    assert not INDEX.match(query).confident

"""The politeness check (manual 001) on real-looking agent drafts: what it finds, and the
polite rewrite the agent is offered."""

from __future__ import annotations

import pytest

from chatserver.domain.politeness import Finding, check, review
from chatserver.domain.politeness_words import (
    DEFAULT_WORDS,
    customised,
    with_overrides,
    words_to_wire,
)
from chatserver.views.politeness import findings_wire

# (draft, [(kind, words found)], polite rewrite)
TABLE: list[tuple[str, list[tuple[str, str]], str]] = [
    # -- impolite drafts -------------------------------------------------------------------
    (
        "你好姐姐，这个没货了哈，亲你等等呗",
        [("pronoun", "你"), ("address", "姐姐"), ("slang", "哈"), ("address", "亲"),
         ("pronoun", "你"), ("slang", "呗")],
        "您好，这个没货了，您等等吧",
    ),
    ("你好，请问你要什么尺码？", [("pronoun", "你"), ("pronoun", "你")], "您好，请问您要什么尺码？"),
    ("亲，在的，有啥需要帮忙的吗", [("address", "亲"), ("slang", "啥")], "在的，有什么需要帮忙的吗"),
    ("美女你好，这款很显瘦的", [("address", "美女"), ("pronoun", "你")], "您好，这款很显瘦的"),
    ("姐姐穿M码就可以了", [("address", "姐姐")], "您穿M码就可以了"),
    ("好的亲，马上给你发货", [("address", "亲"), ("pronoun", "你")], "好的，马上给您发货"),
    ("你好姐姐这个颜色没有了", [("pronoun", "你"), ("address", "姐姐")], "您好，这个颜色没有了"),
    ("咋了亲？", [("slang", "咋"), ("address", "亲")], "怎么了？"),
    ("宝子们这款今天有活动", [("address", "宝子们")], "这款今天有活动"),
    ("小姐姐想要什么颜色呀", [("address", "小姐姐")], "您想要什么颜色呀"),
    ("亲爱的，你的快递已经到驿站了", [("address", "亲爱的"), ("pronoun", "你")], "您的快递已经到驿站了"),
    ("你们那边是偏远地区，不包邮哦", [("pronoun", "你们")], "您那边是偏远地区，不包邮哦"),
    ("您们可以一起下单", [("pronoun", "您们")], "您可以一起下单"),
    ("你們那邊有現貨", [("pronoun", "你們")], "您那邊有現貨"),
    ("木有货了，酱紫的话您看看别的款", [("slang", "木有"), ("slang", "酱紫")],
     "没有货了，这样子的话您看看别的款"),
    ("俺们家的衣服都是纯棉的", [("slang", "俺")], "我们家的衣服都是纯棉的"),
    ("好滴，马上安排", [("slang", "好滴")], "好的，马上安排"),
    ("你好哈，在的", [("pronoun", "你"), ("slang", "哈")], "您好，在的"),
    ("我也不知道哈", [("bare_refusal", "我也不知道哈")], "这个我帮您确认一下"),
    ("这个没办法", [("bare_refusal", "这个没办法")], "我帮您看看还有什么办法"),
    ("不清楚。", [("bare_refusal", "不清楚")], "这个我帮您确认一下。"),
    ("没办法哦，系统自动关闭的", [("bare_refusal", "没办法哦")],
     "我帮您看看还有什么办法，系统自动关闭的"),
    ("我已经说过了，七天无理由要不影响二次销售", [("arguing", "已经说过了")],
     "我再为您说明一下，七天无理由要不影响二次销售"),
    ("你自己看详情页吧", [("arguing", "你自己看")], "我来为您介绍一下"),
    ("这不是我们的问题，是快递的问题", [("arguing", "不是我们的问题")],
     "我们一起看看怎么解决，是快递的问题"),
    ("你懂不懂啊，这个要先申请退款", [("arguing", "你懂不懂")],
     "不知道我解释清楚了没有，这个要先申请退款"),
    ("爱买不买", [("arguing", "爱买不买")], "您可以再考虑一下"),
    ("随便你吧", [("arguing", "随便你")], "您看怎么方便"),
    ("您自己看一下尺码表", [("arguing", "您自己看")], "我来为您介绍一下"),
    # -- polite drafts: nothing to say -----------------------------------------------------
    ("您好，请问您需要什么尺码？", [], "您好，请问您需要什么尺码？"),
    ("迷你款还有货", [], "迷你款还有货"),
    ("这款「你好呀」印花T恤有货的", [], "这款「你好呀」印花T恤有货的"),
    ("《你好，旧时光》同款外套今天发货", [], "《你好，旧时光》同款外套今天发货"),
    ("您说的“你们发货太慢了”，我已经反馈给仓库了", [], "您说的“你们发货太慢了”，我已经反馈给仓库了"),
    ("父亲节礼物可以看看这款衬衫", [], "父亲节礼物可以看看这款衬衫"),
    ("这款是亲肤面料，很柔软", [], "这款是亲肤面料，很柔软"),
    ("不知道您平时穿多大码呢？", [], "不知道您平时穿多大码呢？"),
    ("不知道呢，我帮您问一下仓库", [], "不知道呢，我帮您问一下仓库"),
    ("哈哈，好的，马上为您改地址", [], "哈哈，好的，马上为您改地址"),
    ("图上的美女模特穿的是M码", [], "图上的美女模特穿的是M码"),
    ("亲爱的顾客您好，您的订单已发货", [], "亲爱的顾客您好，您的订单已发货"),
    ("非常抱歉让您久等了，这个颜色暂时缺货，预计一周左右补货", [],
     "非常抱歉让您久等了，这个颜色暂时缺货，预计一周左右补货"),
    ("这款是从哈尔滨仓发货的", [], "这款是从哈尔滨仓发货的"),
    ("支持花呗分期，您放心", [], "支持花呗分期，您放心"),
    ("小姐您好，这款我们亲自试穿过", [], "小姐您好，这款我们亲自试穿过"),
]  # fmt: skip


@pytest.mark.parametrize(("draft", "expected", "rewrite"), TABLE, ids=[row[0] for row in TABLE])
def test_draft_findings_and_polite_rewrite(
    draft: str, expected: list[tuple[str, str]], rewrite: str
) -> None:
    result = review(draft)
    assert [(f.kind, f.text) for f in result.findings] == expected
    assert all(draft[f.start : f.end] == f.text for f in result.findings)
    assert all(f.explanation for f in result.findings)
    assert result.rewrite == rewrite


@pytest.mark.parametrize("rewrite", [row[2] for row in TABLE])
def test_the_rewrite_itself_passes_the_check(rewrite: str) -> None:
    assert check(rewrite) == []


def test_the_table_is_big_enough_and_covers_every_kind() -> None:
    assert len(TABLE) >= 30
    kinds = {kind for _, expected, _ in TABLE for kind, _ in expected}
    assert kinds == {"pronoun", "address", "slang", "arguing", "bare_refusal"}
    assert sum(1 for _, expected, _ in TABLE if not expected) >= 10


def test_suggestions_say_what_the_rewrite_puts_instead() -> None:
    findings = {f.text: f for f in check("你好姐姐，这个没货了哈，亲你等等呗")}
    assert findings["你"].suggestion == "您"
    assert findings["姐姐"].suggestion == ""
    assert findings["呗"].suggestion == "吧"
    assert "姐姐" in findings["姐姐"].explanation


def test_a_shop_list_replaces_only_its_own_category() -> None:
    words = with_overrides(
        {
            "address": ["老板"],
            "slang": [
                {"word": "绝了", "replacement": "非常好"},
                {"word": "栓Q", "replacement": None},
            ],
            "keep": ["你好色彩"],
        }
    )
    assert [(f.kind, f.text) for f in check("老板，这款绝了，栓q", words)] == [
        ("address", "老板"),
        ("slang", "绝了"),
        ("slang", "栓q"),
    ]
    assert review("老板，这款绝了", words).rewrite == "这款非常好"
    # 亲 is no longer on this shop's list; the default arguing phrases still apply
    assert check("好的亲", words) == []
    assert [f.kind for f in check("爱买不买", words)] == ["arguing"]
    # a brand the shop lists keeps its 你
    assert check("你好色彩的新款到了", words) == []
    assert customised({"address": ["老板"], "keep": []}) == ["address", "keep"]


def test_an_empty_list_switches_a_category_off() -> None:
    words = with_overrides({"slang": [], "address": []})
    assert [f.kind for f in check("亲，有啥需要", words)] == []
    assert with_overrides(None) is DEFAULT_WORDS
    assert with_overrides({}) is DEFAULT_WORDS


def test_stored_lists_that_are_not_what_was_validated_are_skipped() -> None:
    words = with_overrides({"address": ["老板", 3, ""], "slang": ["啥", {"word": "咋"}]})
    assert words.address == ("老板",)
    assert words.slang == (("咋", None),)


def test_wire_shape_of_the_default_lists() -> None:
    wire = words_to_wire(DEFAULT_WORDS)
    assert set(wire) == {"address", "slang", "arguing", "refusal", "keep"}
    assert "姐姐" in wire["address"] and "迷你" in wire["keep"]
    assert {"word": "啥", "replacement": "什么"} in wire["slang"]
    assert {"word": "不知道", "replacement": "这个我帮您确认一下"} in wire["refusal"]


def test_offsets_on_the_wire_count_as_javascript_does() -> None:
    text = "好的😊亲你等等"
    wire = findings_wire(text, check(text))
    # 😊 is two UTF-16 code units: 亲 is at 4 in JavaScript, 3 in Python
    assert [(w["kind"], w["start"], w["end"]) for w in wire] == [
        ("address", 4, 5),
        ("pronoun", 5, 6),
    ]
    plain = findings_wire("你好", check("你好"))
    assert plain == [
        {
            "kind": "pronoun",
            "start": 0,
            "end": 1,
            "text": "你",
            "suggestion": "您",
            "explanation": "对顾客请用「您」",
        }
    ]


def test_latin_slang_matches_in_any_case_and_long_drafts_are_handled() -> None:
    assert [f.text for f in check("这款真的YYDS")] == ["YYDS"]
    long_draft = ("你好姐姐，这个没货了哈，亲你等等呗。迷你款「你好」有货。" * 80)[:2000]
    result = review(long_draft)
    assert len(result.findings) > 300
    assert check(result.rewrite) == []
    assert isinstance(result.findings[0], Finding)

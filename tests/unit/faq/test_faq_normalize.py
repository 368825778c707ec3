"""Each normalisation step on its own, then the whole chain as a shopper message goes through it."""

from __future__ import annotations

import pytest

from faq.normalize import (
    Normalizer,
    fold_width_and_case,
    remove_filler,
    replace_symbols,
    to_simplified,
)


def test_traditional_chinese_becomes_simplified() -> None:
    assert to_simplified("請問運費怎麼算，發順豐嗎") == "请问运费怎么算，发顺丰吗"


def test_simplified_and_latin_text_pass_through_unchanged() -> None:
    assert to_simplified("包邮吗 ok 123") == "包邮吗 ok 123"


def test_full_width_letters_and_digits_become_half_width_lower_case() -> None:
    assert fold_width_and_case("ＳＦ快递１２３ＸＬ") == "sf快递123xl"


def test_punctuation_and_emoji_become_single_spaces() -> None:
    assert replace_symbols("包邮吗？？😊😊亲!!!") == "包邮吗 亲"


def test_emoji_only_text_becomes_empty() -> None:
    assert replace_symbols("👍🙏😂❤️") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("亲 在吗 包邮吗", "包邮"),
        ("请问一下 什么时候发货呀", "什么时候发货"),
        ("hi 能发顺丰么", "能发顺丰"),
        ("亲亲 退款多久到哦", "退款多久到"),
        ("在吗", ""),
    ],
)
def test_greetings_and_particles_are_dropped(text: str, expected: str) -> None:
    assert remove_filler(text) == expected


@pytest.mark.parametrize(
    "text",
    ["亲自试穿", "我母亲穿什么码", "退货要填什么", "怎么还不", "hifi耳机"],
)
def test_words_that_contain_filler_characters_are_kept(text: str) -> None:
    assert remove_filler(text) == text


def test_synonyms_map_homophones_and_abbreviations_to_shop_words() -> None:
    normalizer = Normalizer({"顺风": "顺丰", "sf": "顺丰", "快地": "快递"})
    assert normalizer.normalize("能发顺风快地吗") == "能发顺丰快递"
    assert normalizer.normalize("發ＳＦ可以嗎") == "发顺丰可以"


def test_latin_synonym_does_not_fire_inside_a_longer_word() -> None:
    normalizer = Normalizer({"sf": "顺丰"})
    assert normalizer.normalize("sfx音效") == "sfx音效"


def test_short_variant_does_not_break_its_own_canonical_word() -> None:
    normalizer = Normalizer({"券": "优惠券"})
    assert normalizer.normalize("优惠券怎么用") == "优惠券怎么用"
    assert normalizer.normalize("券怎么用") == "优惠券怎么用"


def test_synonym_variants_are_normalised_like_text() -> None:
    # A traditional, full-width variant in a shop's map still matches simplified input.
    normalizer = Normalizer({"順風": "顺丰"})
    assert normalizer.normalize("顺风") == "顺丰"


def test_generic_item_words_are_dropped() -> None:
    assert remove_filler("这个宝贝有货") == "这个有货"
    assert remove_filler("商品有保修") == "有保修"


def test_whole_chain_turns_a_noisy_message_into_its_question() -> None:
    normalizer = Normalizer({"sf": "顺丰"})
    assert normalizer.normalize("親，在嗎？請問發ＳＦ嗎😊") == "发顺丰"

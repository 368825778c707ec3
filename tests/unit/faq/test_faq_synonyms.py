"""The synonym map file format and the packaged default map."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq import FaqFileError, default_synonyms, load_synonyms
from faq.synonyms import parse_synonyms


def test_each_line_maps_its_variants_to_the_canonical_word() -> None:
    text = "# comment\n顺丰\t顺风, sf，顺峰\n\n发票\t法票\n"
    assert parse_synonyms(text) == {"顺风": "顺丰", "sf": "顺丰", "顺峰": "顺丰", "法票": "发票"}


def test_a_line_without_a_tab_is_reported_with_its_number() -> None:
    with pytest.raises(FaqFileError, match="line 2"):
        parse_synonyms("顺丰\t顺风\n发票 法票\n")


def test_a_variant_claimed_by_two_words_is_an_error() -> None:
    with pytest.raises(FaqFileError, match="already maps to"):
        parse_synonyms("顺丰\tsf\n申通\tsf\n")


def test_a_shop_file_loads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "shop.tsv"
    path.write_text("顺丰\t小蓝车\n", encoding="utf-8")
    assert load_synonyms(path) == {"小蓝车": "顺丰"}


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(FaqFileError, match=r"nope\.tsv"):
        load_synonyms(tmp_path / "nope.tsv")


def test_default_map_covers_the_homophones_shoppers_type() -> None:
    synonyms = default_synonyms()
    assert synonyms["顺风"] == "顺丰"
    assert synonyms["快地"] == "快递"
    assert synonyms["sf"] == "顺丰"
    assert synonyms["拍下"] == "下单"

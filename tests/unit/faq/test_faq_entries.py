"""Loading FAQ files: good files, bad files named precisely, and the packaged default FAQ."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from faq import FaqEntry, FaqFileError, load_default_faq, load_entries


def write_faq(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "faq.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_minimal_entries_get_defaults(tmp_path: Path) -> None:
    path = write_faq(tmp_path, [{"id": "a", "question": "包邮吗", "answer": "包邮。"}])
    assert load_entries(path) == [FaqEntry(id="a", question="包邮吗", answer="包邮。")]


def test_optional_fields_are_read(tmp_path: Path) -> None:
    raw = {
        "id": "a",
        "question": "包邮吗",
        "answer": "包邮。",
        "similar": ["免运费吗"],
        "category": "物流",
        "enabled": False,
    }
    (entry,) = load_entries(write_faq(tmp_path, [raw]))
    assert entry.similar == ("免运费吗",)
    assert entry.category == "物流"
    assert entry.enabled is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id": "a"}, "expected a JSON list"),
        ([{"id": "a", "question": "q", "answer": "x"}, "oops"], r"entry #1: expected an object"),
        ([{"id": "x1", "question": "q"}], r"entry #0 \(id 'x1'\): field 'answer'"),
        ([{"id": "x1", "question": " ", "answer": "a"}], r"field 'question' must be a non-empty"),
        ([{"id": "x1", "question": "q", "answer": "a", "similar": "s"}], r"'similar' must be"),
        ([{"id": "x1", "question": "q", "answer": "a", "enabled": "yes"}], "true or false"),
        ([{"id": "x1", "question": "q", "answer": "a", "anwser": "typo"}], "unknown field"),
        (
            [
                {"id": "same", "question": "q", "answer": "a"},
                {"id": "same", "question": "q2", "answer": "b"},
            ],
            r"entry #1 \(id 'same'\): duplicate id",
        ),
    ],
)
def test_bad_entries_are_reported_by_position_and_id(
    tmp_path: Path, data: Any, message: str
) -> None:
    with pytest.raises(FaqFileError, match=message):
        load_entries(write_faq(tmp_path, data))


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "faq.json"
    path.write_text('[{"id": "a",\n "question": }]', encoding="utf-8")
    with pytest.raises(FaqFileError, match="line 2 column"):
        load_entries(path)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FaqFileError, match="cannot read"):
        load_entries(tmp_path / "missing.json")


def test_default_faq_is_large_and_every_entry_has_paraphrases_and_category() -> None:
    entries = load_default_faq()
    assert len(entries) >= 40
    assert len({e.id for e in entries}) == len(entries)
    for entry in entries:
        assert 4 <= len(entry.similar) <= 30, entry.id
        assert entry.category, entry.id
        assert entry.enabled


def test_default_answers_address_the_shopper_politely() -> None:
    for entry in load_default_faq():
        assert "您" in entry.answer, entry.id
        assert "你" not in entry.answer, entry.id
        assert "姐姐" not in entry.answer, entry.id


def test_default_answers_state_the_shop_rules() -> None:
    answers = {e.id: e.answer for e in load_default_faq()}
    assert "1-2个工作日" in answers["refund-time"]
    assert "7天" in answers["return-policy"]
    assert "09:00-23:00" in answers["service-hours"]
    assert "补运费差价" in answers["sf-express"]
    postage = answers["return-postage"]
    assert "我们承担" in postage and "您承担" in postage

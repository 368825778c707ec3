"""The rules of notes and flags: the chat's text rules with the note's own limit, five colours."""

from __future__ import annotations

import pytest

from chatserver.domain.notes import FLAG_MEANINGS, MAX_NOTE_LENGTH, clean_flag, clean_note_text
from chatserver.errors import AppError


def test_a_note_is_cleaned_like_chat_text() -> None:
    assert clean_note_text("  顾客要顺丰\x00\n") == "顾客要顺丰"
    assert clean_note_text("第一行\n第二行") == "第一行\n第二行"
    assert clean_note_text("字" * MAX_NOTE_LENGTH) == "字" * MAX_NOTE_LENGTH


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("字" * (MAX_NOTE_LENGTH + 1), "text_too_long", "备注不能超过 1000 个字符"),
        ("   ", "empty_text", "备注内容不能为空"),
        ("\x01\x02", "empty_text", "备注内容不能为空"),
        (None, "invalid_payload", "text 必须是字符串"),
        ("\udc00", "invalid_payload", "备注包含无效字符"),
    ],
)
def test_bad_notes_get_the_contracts_errors(value: object, code: str, message: str) -> None:
    with pytest.raises(AppError) as raised:
        clean_note_text(value)
    assert (raised.value.code, raised.value.message) == (code, message)


def test_the_five_colours_of_the_manuals_and_none_to_clear() -> None:
    assert list(FLAG_MEANINGS) == ["red", "yellow", "green", "blue", "purple"]
    assert FLAG_MEANINGS["yellow"] == "特殊配送"
    assert [clean_flag(colour) for colour in FLAG_MEANINGS] == list(FLAG_MEANINGS)
    assert clean_flag(None) is None
    for bad in ("orange", "Red", "", 1, True, ["red"]):
        with pytest.raises(AppError) as raised:
            clean_flag(bad)
        assert raised.value.code == "invalid_payload"

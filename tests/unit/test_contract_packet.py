"""The contract's packet class: binary payloads found exactly as python-socketio's own check
finds them, and packets written with orjson (Chinese as text) or, where it refuses, as before."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from socketio import packet

from chatserver.realtime.server import ContractPacket

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=5),
    st.binary(max_size=3),
    st.builds(bytearray, st.binary(max_size=3)),
    st.tuples(st.binary(max_size=2)),  # the library does not look inside tuples: nor do we
)
payloads = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=30,
)


@given(payloads)
def test_binary_payloads_are_found_as_the_library_finds_them(data: Any) -> None:
    assert ContractPacket.data_is_binary(data) == packet.Packet.data_is_binary(data)


def test_a_message_with_suggestions_is_text_and_an_image_in_it_is_binary() -> None:
    suggestions = ["suggestions", {"items": [{"kind": "faq", "text": "您好，七天内可退换"}]}]
    assert ContractPacket(packet.EVENT, data=suggestions).packet_type == packet.EVENT
    with_bytes = ["message", {"items": [{"image": b"\x89PNG"}]}]
    assert ContractPacket(packet.EVENT, data=with_bytes).packet_type == packet.BINARY_EVENT


def encoded(data: Any) -> str:
    text = ContractPacket(packet.EVENT, data=data, namespace="/agent").encode()
    assert isinstance(text, str)
    return text


def test_packets_carry_chinese_as_text_and_read_back_the_same() -> None:
    message = ["message", {"text": "您好，请问什么时候发货？", "seq": 3, "meta": None, "ok": True}]
    text = encoded(message)
    assert "您好" in text and "\\u" not in text
    assert text.startswith("2/agent,")
    assert json.loads(text.removeprefix("2/agent,")) == message


def test_what_orjson_cannot_write_is_written_as_before() -> None:
    huge = ["message", {"n": 2**70, 1: "数字键"}]
    assert json.loads(encoded(huge).removeprefix("2/agent,")) == [
        "message",
        {"n": 2**70, "1": "数字键"},
    ]


def test_a_payload_that_contains_itself_fails_to_encode_instead_of_hanging() -> None:
    looped: list[Any] = ["message"]
    looped.append(looped)
    assert not ContractPacket.data_is_binary(looped)
    with pytest.raises(ValueError):
        encoded(looped)


def test_times_must_be_written_by_the_view_not_guessed_by_the_encoder() -> None:
    with pytest.raises(TypeError):
        encoded(["message", {"created_at": datetime(2026, 12, 1, tzinfo=UTC)}])

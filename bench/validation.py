"""Validation cost of one chat command: pydantic v2 (what the server uses) against msgspec.

The agent's `message` payload, valid and invalid, parsed the way commands/base.py does it.
Run by hand: `python bench/validation.py` (msgspec is optional: `pip install msgspec`).
"""

from __future__ import annotations

import os
import platform
import timeit
from typing import Annotated, Any

from chatserver.commands.base import parse
from chatserver.commands.chat import AgentMessage, parse_conversation_id
from chatserver.domain.text import clean_client_id, clean_text
from chatserver.errors import AppError

try:
    import msgspec
except ImportError:  # optional: only this comparison needs it
    msgspec = None

if msgspec is not None:

    class MsgspecMessage(msgspec.Struct, frozen=True):
        conversation_id: int
        client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
        text: Annotated[str, msgspec.Meta(max_length=2000)]


VALID = {"conversation_id": 12, "client_id": "c-1700000000-1", "text": "您好，这件衣服有货吗？"}
INVALID = {"conversation_id": "x", "client_id": 3, "text": 5}


def per_call_us(function: Any, number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6


def pydantic_figures(number: int) -> tuple[float, float]:
    def invalid() -> None:
        try:
            parse(AgentMessage, INVALID)
        except AppError:
            pass

    return per_call_us(lambda: parse(AgentMessage, VALID), number), per_call_us(invalid, number)


def msgspec_figures(number: int) -> tuple[float, float, float] | None:
    """Types only, then types plus the same contract rules the pydantic commands apply."""
    if msgspec is None:
        return None

    def with_rules() -> None:
        message = msgspec.convert(VALID, MsgspecMessage)
        parse_conversation_id(message.conversation_id)
        clean_client_id(message.client_id)
        clean_text(message.text)

    def invalid() -> None:
        try:
            msgspec.convert(INVALID, MsgspecMessage)
        except msgspec.ValidationError:
            pass

    return (
        per_call_us(lambda: msgspec.convert(VALID, MsgspecMessage), number),
        per_call_us(with_rules, number),
        per_call_us(invalid, number),
    )


def main() -> None:
    number = 50_000
    print(
        f"validation of one agent message, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores"
    )
    valid, invalid = pydantic_figures(number)
    print(
        f"  pydantic (with the contract's text rules): valid {valid:.2f} µs, invalid {invalid:.2f} µs"
    )
    other = msgspec_figures(number)
    if other is None:
        print("  msgspec: not installed (pip install msgspec)")
    else:
        print(
            f"  msgspec: types only valid {other[0]:.2f} µs, with the same text rules "
            f"{other[1]:.2f} µs, invalid {other[2]:.2f} µs"
        )


if __name__ == "__main__":
    main()

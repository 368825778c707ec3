"""Every command, fed any JSON a client could send: a command or the contract's error, never a
crash (property-based, hypothesis)."""

from __future__ import annotations

import importlib
import pkgutil
import typing
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chatserver.commands
from chatserver.commands.base import Command, parse
from chatserver.errors import AppError, ErrorCode

for module in pkgutil.iter_modules(chatserver.commands.__path__):
    importlib.import_module(f"chatserver.commands.{module.name}")


def _all_commands(base: type[Command]) -> list[type[Command]]:
    found = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_all_commands(sub))
    return found


COMMANDS = sorted(set(_all_commands(Command)), key=lambda c: c.__qualname__)
ERROR_CODES = set(typing.get_args(ErrorCode))

HOSTILE_TEXT = st.sampled_from(
    ["", " ", "\u3000", "\ud800", "a" * 10_000, "你好", "²", "１", "-1", "1e309", "<b>x</b>"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def payloads(draw: st.DrawFn, command: type[Command]) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUES)  # not an object at all, most of the time
    names = sorted(command.model_fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    return {name: draw(JSON_VALUES) for name in chosen} | draw(
        st.dictionaries(st.text(max_size=8), SCALARS, max_size=2)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_command_turns_any_payload_into_a_command_or_a_contract_error(data: Any) -> None:
    for command in COMMANDS:
        payload = data.draw(payloads(command), label=command.__qualname__)
        try:
            parsed = parse(command, payload)
        except AppError as error:
            assert error.code in ERROR_CODES and error.message.strip()
        else:
            assert isinstance(parsed, command)


def test_the_fuzzing_sees_every_command() -> None:
    # The walk above is only worth something if it finds the commands (it would pass on none).
    names = {command.__name__ for command in COMMANDS}
    assert len(COMMANDS) >= 15, names

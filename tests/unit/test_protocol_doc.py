"""docs/protocol.md names every event and error code the server uses."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from chatserver.errors import ErrorCode
from chatserver.realtime import events

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text("utf-8")


def test_every_event_name_is_documented() -> None:
    names = [
        value
        for key, value in vars(events).items()
        if key.isupper() and isinstance(value, str) and not key.endswith("NAMESPACE")
    ]
    assert len(names) >= 12
    missing = [name for name in names if f"`{name}" not in PROTOCOL]
    assert missing == []


def test_every_error_code_is_documented() -> None:
    missing = [code for code in get_args(ErrorCode) if f"`{code}`" not in PROTOCOL]
    assert missing == []


def test_namespaces_are_documented() -> None:
    assert f"`{events.VISITOR_NAMESPACE}`" in PROTOCOL
    assert f"`{events.AGENT_NAMESPACE}`" in PROTOCOL
    assert f"`{events.SUPERVISOR_NAMESPACE}`" in PROTOCOL

"""A refused handshake tells the client why: `connect_error` carries the contract's error body
as its data (`err.data.code` in socket.io-client), so a widget can tell a retry (`unavailable`)
from a refusal of the session itself."""

from __future__ import annotations

from typing import Any

import pytest
import socketio

from tests.conftest import LiveServer


async def refusal(server: LiveServer, namespace: str, auth: dict[str, Any]) -> Any:
    """The `connect_error` of a handshake the server refuses."""
    client = socketio.AsyncClient(reconnection=False)
    seen: list[Any] = []
    client.on("connect_error", seen.append, namespace=namespace)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            server.url, namespaces=[namespace], auth=auth, transports=["websocket"], wait_timeout=5
        )
    assert len(seen) == 1, seen
    return seen[0]


async def test_a_refused_shopper_learns_the_code_and_the_reason(server: LiveServer) -> None:
    refused = await refusal(server, "/visitor", {"shop": "no-such-shop"})
    assert refused["data"]["code"] == "not_found"
    assert refused["message"] == refused["data"]["message"] == "店铺 no-such-shop 不存在"


async def test_refused_staff_learn_the_code(server: LiveServer) -> None:
    agent = await refusal(server, "/agent", {"token": "not-a-token"})
    assert agent["data"]["code"] == "unauthorized"
    assert agent["message"] == agent["data"]["message"]
    token = (await server.login("agent", "agent123"))["token"]
    supervisor = await refusal(server, "/supervisor", {"token": token})
    assert supervisor["data"]["code"] == "forbidden"

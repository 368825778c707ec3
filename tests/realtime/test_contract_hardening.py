"""Hostile input against the documented contract: every odd payload gets a clear error and
changes nothing (found by fuzzing the contract; each test covers a class, not one case)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
import socketio

from tests.conftest import LiveServer, Visitor

LONE_SURROGATE = "\ud800"


async def test_a_shopper_cannot_send_the_connection_s_own_events(server: LiveServer) -> None:
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    for name, payload in (
        ("disconnect", None),
        ("connect", {"shop": "demo"}),
        ("connect_error", {}),
        ("no_such_event", {"x": 1}),
    ):
        ack = await visitor.call(name, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", (name, ack)
    # Still the same connection, the same conversation, and the same rate limit. Before the
    # fix each `disconnect` event reset the limit, so all of these went through; now at most the
    # burst of 8 plus 2 a second do, however long the server takes.
    calls = []
    for index in range(60):
        calls.append(visitor.call("disconnect"))
        calls.append(visitor.send(f"第{index}条"))
    answers = await asyncio.gather(*calls)
    sent = [a for a in answers[1::2] if a["ok"]]
    refused = [a for a in answers[1::2] if not a["ok"]]
    assert sent and all(a["message"]["conversation_id"] == conversation_id for a in sent)
    assert refused and {a["error"]["code"] for a in refused} == {"rate_limited"}
    assert visitor.sio.connected


async def test_an_agent_s_fake_disconnect_keeps_them_and_their_chats(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    ack = await agent.call("disconnect")
    assert ack["error"]["code"] == "invalid_payload"
    # Past the grace period (0.3 s in tests) the chat is still theirs.
    await visitor.wait_for("assigned")
    await server.settle()
    reply = await agent.send(conversation_id, "您好，我在的")
    assert reply["ok"], reply
    assert agent.received("unassigned") == []


async def test_ids_are_ascii_digits_within_range(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    for value in ("１", "²", "12a", "9" * 40, -3, 1.5, True):
        ack = await agent.call("accept", {"conversation_id": value})
        assert ack["ok"] is False and ack["error"]["code"] in ("invalid_payload", "not_found")
    visitor = await server.visitor()
    for faq_id in ("１２", "²", "1" * 40, "abc"):
        ack = await visitor.send("多久发货", faq_id=faq_id)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", faq_id
    token = agent.token
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for raw in ("²", "%EF%BC%91", "1" * 40):
            async with http.get(f"{server.url}/api/conversations/{raw}") as response:
                assert response.status == 404, raw
                assert (await response.json())["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"username": ' + b"9" * 5_000 + b', "password": "x"}',
        b'{"username": "\\ud800", "password": "secret123"}',
        b"\xff\xfe not utf-8",
    ],
    ids=["deeply-nested", "huge-number", "lone-surrogate", "not-utf8"],
)
async def test_malformed_json_is_a_400_never_a_503(server: LiveServer, body: bytes) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/api/auth/login",
            data=body,
            headers={"Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "invalid_payload"


async def test_a_lone_surrogate_in_the_faq_try_question_is_refused(server: LiveServer) -> None:
    login = await server.login("admin", "admin123")
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {login['token']}"}) as http,
        http.post(
            f"{server.url}/api/faq/try",
            data=b'{"question": "\\ud800 \xe5\x8f\x91\xe8\xb4\xa7"}',
            headers={"Content-Type": "application/json"},
        ) as response,
    ):
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "invalid_payload"


async def test_odd_handshakes_are_answered_at_once(server: LiveServer) -> None:
    # A forged token of the wrong kind is a new shopper, greeted as usual.
    newcomer = await server.visitor(token=LONE_SURROGATE)
    assert newcomer.session["token"] != LONE_SURROGATE
    assert newcomer.session["messages"][0]["sender"] == "bot"
    # A shop name that cannot exist is refused, never left hanging.
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            server.url,
            namespaces=["/visitor"],
            auth={"shop": LONE_SURROGATE},
            transports=["websocket"],
            wait_timeout=5,
        )
    agent = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await agent.connect(
            server.url,
            namespaces=["/agent"],
            auth={"token": LONE_SURROGATE},
            transports=["websocket"],
            wait_timeout=5,
        )


async def test_frames_whose_json_cannot_be_read_are_answered(server: LiveServer) -> None:
    """A number of more than 100 digits, nesting past the parser's depth or broken JSON made
    python-socketio drop the frame with no answer (the call timed out, a handshake hung)."""
    visitor = await server.visitor()
    assert (await visitor.send("您好"))["ok"]
    answers: dict[int, asyncio.Future[Any]] = {}
    for ack_id, data in (
        (901, '["message",{"client_id":"big","text":' + "9" * 500 + "}]"),
        (902, '["message",' + "[" * 100_000 + "]" * 100_000 + "]"),
        (903, '["message",{"client_id":"cut","text":'),
    ):
        answers[ack_id] = asyncio.get_running_loop().create_future()
        # The client's own ack bookkeeping, so the raw frame's answer reaches this future.
        visitor.sio.callbacks.setdefault("/visitor", {})[ack_id] = answers[ack_id].set_result
        await visitor.sio.eio.send(f"2/visitor,{ack_id}{data}")
    for ack_id, answer in answers.items():
        ack = await asyncio.wait_for(answer, 5)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", (ack_id, ack)
    assert visitor.sio.connected
    assert (await visitor.send("还在吗"))["ok"]
    # A handshake whose auth cannot be read is one without auth: a new shopper, greeted.
    newcomer = Visitor()
    await newcomer.connect(server.url, {"shop": "demo", "token": 10**400})
    server.clients.append(newcomer)
    session = await newcomer.wait_for("session")
    assert session["conversation_id"] != visitor.session["conversation_id"]

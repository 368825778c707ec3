"""`focus`: the agent's FAQ suggestions follow the chat the panel has open. A chat in the
background costs no match; opening it brings fresh suggestions; a panel that never says what
it shows keeps getting them for every chat."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import AgentClient, LiveServer, Visitor
from tests.realtime.test_refusals import refusal


class AskedMatcher:
    """Records what the agents' suggestions were asked for, answering as the real matcher."""

    def __init__(self, server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
        registry = server.parts.faq
        self.real = registry.agent_suggestions
        self.asked: list[str] = []
        monkeypatch.setattr(registry, "agent_suggestions", self.ask)

    async def ask(self, shop_id: int, text: str) -> list[dict[str, Any]]:
        self.asked.append(text)
        return await self.real(shop_id, text)


async def two_chats(server: LiveServer, agent: AgentClient) -> tuple[Visitor, int, Visitor, int]:
    """Two shoppers handed to `agent`, connected to `server` (the agent may be elsewhere)."""
    chats: list[tuple[Visitor, int]] = []
    for _ in range(2):
        visitor = await server.visitor()
        await visitor.send("转人工")
        conversation_id = visitor.session["conversation_id"]
        await agent.wait_for("assigned", lambda a, c=conversation_id: a["conversation"]["id"] == c)
        chats.append((visitor, conversation_id))
    await server.settle()
    (first, first_id), (second, second_id) = chats
    return first, first_id, second, second_id


def _suggestions_for(agent: AgentClient, conversation_id: int) -> list[dict[str, Any]]:
    return [
        data
        for event, data in agent.events
        if event == "suggestions" and data["conversation_id"] == conversation_id
    ]


async def test_suggestions_follow_the_chat_the_panel_has_open(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = await server.agent(status="online", handshake={"focus": None})
    shopper_a, chat_a, shopper_b, chat_b = await two_chats(server, agent)
    matcher = AskedMatcher(server, monkeypatch)
    shop = agent.agent["shop"]["id"]
    assert _suggestions_for(agent, chat_a) == _suggestions_for(agent, chat_b) == []

    assert await agent.call("focus", {"conversation_id": chat_a}) == {
        "ok": True,
        "conversation_id": chat_a,
    }
    # Opening a chat finds suggestions for the shopper's last line at once.
    opened = await agent.wait_for("suggestions", lambda s: s["conversation_id"] == chat_a)
    assert matcher.asked == ["转人工"] and opened["items"] == await matcher.real(shop, "转人工")

    # A line in the chat in the background: relayed, but no match is made for it.
    await shopper_b.send("这件毛衣可以机洗吗？")
    await agent.wait_for("message", lambda m: m["text"] == "这件毛衣可以机洗吗？")
    await server.settle()
    assert "这件毛衣可以机洗吗？" not in matcher.asked
    assert _suggestions_for(agent, chat_b) == []

    # A line in the open chat gets its suggestions as before.
    expected = await matcher.real(shop, "衣服洗了会缩水吗")
    assert any(i["kind"] == "faq" for i in expected) and expected != opened["items"]
    await shopper_a.send("衣服洗了会缩水吗")
    await agent.wait_for(
        "suggestions", lambda s: s["conversation_id"] == chat_a and s["items"] == expected
    )
    assert matcher.asked[-1] == "衣服洗了会缩水吗"

    # Switching to the other chat brings its suggestions for the line it missed.
    expected = await matcher.real(shop, "这件毛衣可以机洗吗？")
    assert any(i["kind"] == "faq" for i in expected)
    assert (await agent.call("focus", {"conversation_id": chat_b}))["ok"]
    await agent.wait_for(
        "suggestions", lambda s: s["conversation_id"] == chat_b and s["items"] == expected
    )

    # No chat open (the list on a phone): nothing is matched for anyone.
    assert (await agent.call("focus", {"conversation_id": None}))["ok"]
    asked_before = len(matcher.asked)
    await shopper_a.send("可以开发票吗")
    await shopper_b.send("什么时候发货")
    await agent.wait_for("message", lambda m: m["text"] == "什么时候发货")
    await server.settle()
    assert len(matcher.asked) == asked_before


async def test_a_panel_that_never_says_gets_suggestions_for_every_chat(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = await server.agent(status="online")
    _shopper_a, chat_a, shopper_b, chat_b = await two_chats(server, agent)
    # A second tab of the same agent with chat A open does not take B's away from the first.
    second_tab = await server.agent(handshake={"focus": chat_a})
    await second_tab.wait_for("suggestions", lambda s: s["conversation_id"] == chat_a)
    await server.settle()
    matcher = AskedMatcher(server, monkeypatch)

    expected = await matcher.real(agent.agent["shop"]["id"], "这件毛衣可以机洗吗？")
    await shopper_b.send("这件毛衣可以机洗吗？")
    await agent.wait_for(
        "suggestions", lambda s: s["conversation_id"] == chat_b and s["items"] == expected
    )
    assert matcher.asked == ["这件毛衣可以机洗吗？"]
    # Suggestions go to every socket of the agent, as every other event of their chats.
    await second_tab.wait_for(
        "suggestions", lambda s: s["conversation_id"] == chat_b and s["items"] == expected
    )

    # The tab that showed everything closes; the one left shows A: B's lines go unmatched.
    await agent.sio.disconnect()
    presence = server.parts.presence
    for _ in range(200):
        if len(await presence.store.agent_sids(agent.agent["id"])) == 1:
            break
        await asyncio.sleep(0.02)
    assert len(await presence.store.agent_sids(agent.agent["id"])) == 1
    await shopper_b.send("包邮吗")
    await second_tab.wait_for("message", lambda m: m["text"] == "包邮吗")
    await server.settle()
    assert "包邮吗" not in matcher.asked


async def test_the_handshake_says_the_open_chat_and_the_catch_up_matches_only_it(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = await server.agent(status="online")
    shopper_a, chat_a, shopper_b, chat_b = await two_chats(server, agent)
    await shopper_a.send("可以开发票吗")
    await shopper_b.send("衣服洗了会缩水吗")
    await agent.wait_for("message", lambda m: m["text"] == "衣服洗了会缩水吗")
    await server.settle()
    matcher = AskedMatcher(server, monkeypatch)
    shop = agent.agent["shop"]["id"]

    # A reload with chat B open: both chats come back, suggestions only for B.
    reloaded = await server.agent(handshake={"focus": chat_b})
    for chat in (chat_a, chat_b):
        await reloaded.wait_for("assigned", lambda a, c=chat: a["conversation"]["id"] == c)
    found = await reloaded.wait_for("suggestions", lambda s: s["conversation_id"] == chat_b)
    await server.settle()
    assert matcher.asked == ["衣服洗了会缩水吗"]
    assert found["items"] == await matcher.real(shop, "衣服洗了会缩水吗")
    assert _suggestions_for(reloaded, chat_a) == []


async def test_focus_refuses_what_is_not_a_chat_id(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    for bad in ("１", True, "abc", [1]):
        ack = await agent.call("focus", {"conversation_id": bad})
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_payload", (bad, ack)
    for nowhere in (987654321, 2**70):  # beyond 64 bits: no such chat, as for every id
        missing = await agent.call("focus", {"conversation_id": nowhere})
        assert missing["error"]["code"] == "not_found"

    # In the handshake a malformed focus refuses the connection, saying why.
    token = (await server.login("agent", "agent123"))["token"]
    refused = await refusal(server, "/agent", {"token": token, "focus": "１"})
    assert refused["data"]["code"] == "invalid_payload"


async def test_switching_chats_in_a_loop_is_rate_limited(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    chat = (await agent.wait_for("assigned"))["conversation"]["id"]
    # All at once, as a script would: the first 20 pass, then about 5 a second.
    acks = await asyncio.gather(
        *(agent.call("focus", {"conversation_id": chat if i % 2 else None}) for i in range(40))
    )
    refused = [ack for ack in acks if not ack["ok"]]
    assert 20 <= len(acks) - len(refused) < 40
    assert {ack["error"]["code"] for ack in refused} == {"rate_limited"}

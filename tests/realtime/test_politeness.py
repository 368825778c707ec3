"""The politeness check over a real /agent socket: drafts checked with the shop's own lists,
and an impolite message sent anyway noted once, out of the shopper's sight."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import select

from chatserver.db.models import ConversationEvent
from tests.conftest import AgentClient, LiveServer

IMPOLITE = "你好姐姐，这个没货了哈，亲你等等呗"


async def _put_words(server: LiveServer, token: str, body: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.put(
            f"{server.url}/api/politeness",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        return response.status, await response.json()


async def _chat_with_shopper(server: LiveServer) -> tuple[AgentClient, Any, int]:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    return agent, visitor, conversation_id


async def _events(server: LiveServer, conversation_id: int, kind: str) -> list[ConversationEvent]:
    async with server.db.sessions() as session:
        return list(
            await session.scalars(
                select(ConversationEvent).where(
                    ConversationEvent.conversation_id == conversation_id,
                    ConversationEvent.type == kind,
                )
            )
        )


async def test_an_impolite_draft_is_flagged_with_a_polite_rewrite(server: LiveServer) -> None:
    agent, _visitor, conversation_id = await _chat_with_shopper(server)

    ack = await agent.call("check_draft", {"conversation_id": conversation_id, "text": IMPOLITE})
    assert ack["ok"] is True
    assert [(f["kind"], f["text"]) for f in ack["findings"]] == [
        ("pronoun", "你"),
        ("address", "姐姐"),
        ("slang", "哈"),
        ("address", "亲"),
        ("pronoun", "你"),
        ("slang", "呗"),
    ]
    assert ack["findings"][1] == {
        "kind": "address",
        "start": 2,
        "end": 4,
        "text": "姐姐",
        "suggestion": "",
        "explanation": "不要称呼顾客「姐姐」，用「您」即可",
    }
    assert ack["rewrite"] == "您好，这个没货了，您等等吧"

    polite = await agent.call("check_draft", {"text": "您好，请问您需要什么尺码？"})
    assert polite == {"ok": True, "findings": [], "rewrite": "您好，请问您需要什么尺码？"}
    # an empty draft is simply clean; nothing is stored by checking
    assert (await agent.call("check_draft", {"text": ""}))["findings"] == []


async def test_each_shop_checks_with_its_own_lists(server: LiveServer) -> None:
    await server.add_agent("other-agent", "外店客服", shop="other")
    admin = (await server.login("admin", "admin123"))["token"]
    status, saved = await _put_words(
        server, admin, {"address": ["老板"], "slang": [{"word": "绝了", "replacement": "非常好"}]}
    )
    assert status == 200 and saved["custom"] == ["address", "slang"]

    ours = await server.agent()
    theirs = await server.agent("other-agent", "secret123")
    draft = "老板，这款绝了，好的亲"
    our_ack = await ours.call("check_draft", {"text": draft})
    their_ack = await theirs.call("check_draft", {"text": draft})

    assert [(f["kind"], f["text"]) for f in our_ack["findings"]] == [
        ("address", "老板"),
        ("slang", "绝了"),
    ]
    assert our_ack["rewrite"] == "这款非常好，好的亲"
    # the other shop keeps the defaults: 亲 is a form of address there, 老板 is not
    assert [(f["kind"], f["text"]) for f in their_ack["findings"]] == [("address", "亲")]


async def test_bad_drafts_get_the_contracts_errors(server: LiveServer) -> None:
    await server.add_agent("other-agent", "外店客服", shop="other")
    agent, _visitor, conversation_id = await _chat_with_shopper(server)
    outsider = await server.agent("other-agent", "secret123")

    answers = {
        "not an object": await agent.call("check_draft", "你好"),
        "no text": await agent.call("check_draft", {"conversation_id": conversation_id}),
        "text is a number": await agent.call("check_draft", {"text": 12}),
        "bad id": await agent.call("check_draft", {"conversation_id": "abc", "text": "你好"}),
        "too long": await agent.call("check_draft", {"text": "你" * 2001}),
        "another shop's chat": await outsider.call(
            "check_draft", {"conversation_id": conversation_id, "text": "你好"}
        ),
    }
    assert {name: ack["error"]["code"] for name, ack in answers.items()} == {
        "not an object": "invalid_payload",
        "no text": "invalid_payload",
        "text is a number": "invalid_payload",
        "bad id": "invalid_payload",
        "too long": "text_too_long",
        "another shop's chat": "not_found",
    }
    assert all(ack["ok"] is False and ack["error"]["message"] for ack in answers.values())
    # the longest allowed draft is checked
    longest = await agent.call("check_draft", {"text": "你" * 2000})
    assert longest["ok"] and len(longest["findings"]) == 2000


async def test_a_flood_of_draft_checks_is_rate_limited(server: LiveServer) -> None:
    agent = await server.agent()
    acks = [await agent.call("check_draft", {"text": f"你好{i}"}) for i in range(40)]
    codes = [a["error"]["code"] for a in acks if not a["ok"]]
    assert codes and set(codes) == {"rate_limited"}
    assert acks[0]["ok"]


async def test_an_impolite_message_sent_anyway_is_noted_once(server: LiveServer) -> None:
    agent, visitor, conversation_id = await _chat_with_shopper(server)

    polite = await agent.send(conversation_id, "您好，请问有什么可以帮您？")
    impolite = await agent.send(conversation_id, IMPOLITE, client_id="rude-1")
    again = await agent.send(conversation_id, IMPOLITE, client_id="rude-1")  # a resend
    assert polite["ok"] and impolite["ok"] and again["ok"]
    assert again["message"]["id"] == impolite["message"]["id"]

    rows = await _events(server, conversation_id, "impolite_sent")
    assert len(rows) == 1
    assert rows[0].data == {
        "message_id": impolite["message"]["id"],
        "kinds": ["address", "pronoun", "slang"],
    }
    assert rows[0].actor_type == "agent" and rows[0].actor_id == agent.agent["id"]

    # The shopper gets the words as sent, and nothing about the check.
    seen = await visitor.wait_for("message", lambda m: m["text"] == IMPOLITE)
    polite_seen = await visitor.wait_for("message", lambda m: m["sender"] == "agent")
    assert seen["meta"] == {} and set(seen) == set(polite_seen)
    assert "impolite" not in str(seen) and "findings" not in str(seen)
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{server.url}/api/conversations/{conversation_id}",
            headers={"Authorization": f"Bearer {agent.token}"},
        ) as response,
    ):
        detail = await response.json()
    stored = next(m for m in detail["messages"] if m["id"] == impolite["message"]["id"])
    assert stored["meta"] == {}

"""Private notes and coloured flags: the shop's staff see them at once, the shopper never does,
another shop's agent cannot touch or see them, and bad input stores nothing."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from chatserver.db.models import Conversation, ConversationEvent, ConversationNote
from tests.conftest import AgentClient, LiveServer, Visitor

NOTE = "顾客要求顺丰发货，已补运费差价，请下一班跟进"


async def _get(server: LiveServer, path: str, token: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.url + path, headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        return response.status, await response.json()


async def _chat_with(server: LiveServer, owner: AgentClient) -> tuple[Visitor, int]:
    """A shopper who asked for a person, served by `owner` (the only online agent)."""
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    assigned = await owner.wait_for("assigned")
    return visitor, assigned["conversation"]["id"]


async def _event_types(server: LiveServer, conversation_id: int) -> list[str]:
    async with server.db.sessions() as session:
        return list(
            await session.scalars(
                select(ConversationEvent.type)
                .where(ConversationEvent.conversation_id == conversation_id)
                .order_by(ConversationEvent.id)
            )
        )


async def _stored_notes_and_flags(server: LiveServer) -> tuple[int, list[str | None]]:
    async with server.db.sessions() as session:
        notes = await session.scalar(select(func.count()).select_from(ConversationNote))
        flags = list(await session.scalars(select(Conversation.flag)))
    return notes or 0, flags


def _everything_seen(client: Visitor) -> str:
    """All a shopper's socket received, session included, as one searchable text."""
    return json.dumps([client.session, client.events], ensure_ascii=False)


async def test_a_note_reaches_the_shops_agents_and_never_the_shopper(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    supervisor = await server.agent("admin", "admin123", status="away")
    outsider = await server.agent("other-shop", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    owner_tab = await server.agent()  # the owner's second tab

    ack = await owner.call("note", {"conversation_id": conversation_id, "text": f"  {NOTE}\n"})
    assert ack["ok"], ack
    note = ack["note"]
    assert note["text"] == NOTE  # trimmed, like chat text
    assert note["conversation_id"] == conversation_id
    assert note["author"] == {"id": owner.agent["id"], "name": "小美"}
    assert note["created_at"].endswith("Z")

    for other in (colleague, supervisor, owner_tab):
        assert await other.wait_for("note", lambda n: n["id"] == note["id"]) == note
    # A supervisor writes one too; everyone of the shop hears it, the writer from its ack.
    by_admin = await supervisor.call("note", {"conversation_id": conversation_id, "text": "已核实"})
    assert by_admin["ok"] and by_admin["note"]["author"]["name"] == "店长"
    await owner.wait_for("note", lambda n: n["id"] == by_admin["note"]["id"])
    await server.settle()
    assert owner.received("note") == [by_admin["note"]]

    # Another shop's agent: the conversation does not exist for them, and they hear nothing.
    refused = await outsider.call("note", {"conversation_id": conversation_id, "text": "偷看"})
    assert refused["error"]["code"] == "not_found"
    # The shopper keeps chatting; nothing staff-only reaches their widget, now or on reconnect.
    await visitor.send("好的，谢谢")
    await owner.wait_for("message", lambda m: m["text"] == "好的，谢谢")
    await server.settle()
    assert outsider.received("note") == []
    assert NOTE not in json.dumps(outsider.events, ensure_ascii=False)
    again = await server.visitor(token=visitor.session["token"])
    assert again.session["conversation_id"] == conversation_id
    for shopper in (visitor, again):
        seen = _everything_seen(shopper)
        assert NOTE not in seen and "已核实" not in seen
        assert shopper.received("note") == [] and shopper.received("flag") == []
    assert "notes" not in again.session

    async with server.db.sessions() as session:
        stored = list(await session.scalars(select(ConversationNote).order_by(ConversationNote.id)))
    assert [(n.text, n.author_name) for n in stored] == [(NOTE, "小美"), ("已核实", "店长")]
    assert await _event_types(server, conversation_id) == [
        "created",
        "handoff",
        "assigned",
        "note_added",
        "note_added",
    ]


async def test_notes_come_with_the_conversation_over_rest_and_in_the_catch_up(
    server: LiveServer,
) -> None:
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    _visitor, conversation_id = await _chat_with(server, owner)
    first = (await owner.call("note", {"conversation_id": conversation_id, "text": "第一条"}))[
        "note"
    ]
    second = (await owner.call("note", {"conversation_id": conversation_id, "text": "第二条"}))[
        "note"
    ]

    status, detail = await _get(server, f"/api/conversations/{conversation_id}", owner.token)
    assert status == 200
    assert detail["notes"] == [first, second]  # newest last
    visitor_id = detail["conversation"]["visitor"]["id"]
    status, history = await _get(server, f"/api/visitors/{visitor_id}/conversations", owner.token)
    assert status == 200 and history["items"][0]["notes"] == [first, second]
    outsider = (await server.login("other-shop", "secret123"))["token"]
    status, refused = await _get(server, f"/api/conversations/{conversation_id}", outsider)
    assert status == 404 and "notes" not in refused

    # Reconnecting: the catch-up's `assigned` carries the notes with the history. (The new
    # panel opens first, so a slow machine cannot outlast the tests' short grace period.)
    back = await server.agent()
    await owner.disconnect()
    caught_up = await back.wait_for(
        "assigned", lambda p: p["conversation"]["id"] == conversation_id
    )
    assert caught_up["notes"] == [first, second]
    assert caught_up["messages"] and caught_up["conversation"]["flag"] is None


async def test_notes_written_while_queued_come_with_the_assignment(server: LiveServer) -> None:
    lead = await server.agent("admin", "admin123", status="away")
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    queue = await lead.wait_for("queue", lambda q: len(q["items"]) == 1)
    conversation_id = queue["items"][0]["id"]
    note = (await lead.call("note", {"conversation_id": conversation_id, "text": "老顾客，优先"}))[
        "note"
    ]

    agent = await server.agent(status="online")
    assigned = await agent.wait_for("assigned")
    assert assigned["conversation"]["id"] == conversation_id
    assert assigned["notes"] == [note]


async def test_flags_are_set_and_cleared_and_shown_to_the_other_agents(
    server: LiveServer,
) -> None:
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    outsider = await server.agent("other-shop", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)

    ack = await owner.call("flag", {"conversation_id": conversation_id, "flag": "yellow"})
    assert ack["ok"] and ack["conversation_id"] == conversation_id and ack["flag"] == "yellow"
    seen = await colleague.wait_for("flag", lambda f: f["flag"] == "yellow")
    assert seen["conversation_id"] == conversation_id
    assert seen["by"] == {"id": owner.agent["id"], "name": "小美"}
    assert seen["flag_changed_at"] == ack["flag_changed_at"]
    status, detail = await _get(server, f"/api/conversations/{conversation_id}", colleague.token)
    assert status == 200 and detail["conversation"]["flag"] == "yellow"

    # The same colour again changes nothing and tells nobody.
    same = await owner.call("flag", {"conversation_id": conversation_id, "flag": "yellow"})
    assert same["ok"] and same["flag"] == "yellow"
    cleared = await colleague.call("flag", {"conversation_id": conversation_id, "flag": None})
    assert cleared["ok"] and cleared["flag"] is None
    unflagged = await owner.wait_for("flag", lambda f: f["flag"] is None)
    assert unflagged["by"]["name"] == "小王"
    refused = await outsider.call("flag", {"conversation_id": conversation_id, "flag": "red"})
    assert refused["error"]["code"] == "not_found"

    await server.settle()
    assert [f["flag"] for f in colleague.received("flag")] == ["yellow"]
    assert outsider.received("flag") == []
    assert visitor.received("flag") == [] and "flag" not in visitor.session
    async with server.db.sessions() as session:
        conversation = await session.get_one(Conversation, conversation_id)
    assert conversation.flag is None
    assert conversation.flag_changed_by == colleague.agent["id"]
    assert conversation.flag_changed_at is not None
    assert await _event_types(server, conversation_id) == [
        "created",
        "handoff",
        "assigned",
        "flag_changed",
        "flag_changed",
    ]


async def test_a_waiting_chats_flag_shows_in_the_queue(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    lead = await server.agent("admin", "admin123", status="away")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    queue = await colleague.wait_for("queue", lambda q: len(q["items"]) == 1)
    conversation_id = queue["items"][0]["id"]
    assert queue["items"][0]["flag"] is None

    assert (await lead.call("flag", {"conversation_id": conversation_id, "flag": "blue"}))["ok"]
    await colleague.wait_for("flag", lambda f: f["flag"] == "blue")
    # The waiting list is drawn again with the flag, and no older drawing follows it.
    await colleague.wait_for("queue", lambda q: [i["flag"] for i in q["items"]] == ["blue"])
    await server.settle()
    # An ack comes after everything sent to this socket before it.
    assert (await colleague.call("flag", {"conversation_id": conversation_id, "flag": "blue"}))[
        "ok"
    ]
    assert colleague.received("queue")[-1]["items"][0]["flag"] == "blue"


# Payloads name the test's chat unless they say otherwise; ABSENT leaves the field out.
ABSENT = object()

NOTE_REFUSALS = [
    ("not an object", "invalid_payload"),
    ({"conversation_id": ABSENT, "text": "缺少会话"}, "invalid_payload"),
    ({"conversation_id": "abc", "text": "x"}, "invalid_payload"),
    ({"conversation_id": 999999, "text": "不存在的会话"}, "not_found"),
    ({"text": 123}, "invalid_payload"),
    ({"text": None}, "invalid_payload"),
    ({"text": ["列表"]}, "invalid_payload"),
    ({"text": ""}, "empty_text"),
    ({"text": " \n\t "}, "empty_text"),
    ({"text": "字" * 1001}, "text_too_long"),
    ({"text": "\ud800"}, "invalid_payload"),
]

FLAG_REFUSALS = [
    ({"flag": "orange"}, "invalid_payload"),
    ({"flag": "RED"}, "invalid_payload"),
    ({"flag": 1}, "invalid_payload"),
    ({"flag": True}, "invalid_payload"),
    ({"flag": ["red"]}, "invalid_payload"),
    ({}, "invalid_payload"),  # no `flag` at all is not "clear it"
    ({"conversation_id": ABSENT, "flag": "red"}, "invalid_payload"),
    ({"conversation_id": None, "flag": "red"}, "invalid_payload"),
    ({"conversation_id": 999999, "flag": "red"}, "not_found"),
    ([1, "red"], "invalid_payload"),
]


@pytest.mark.parametrize(("event", "refusals"), [("note", NOTE_REFUSALS), ("flag", FLAG_REFUSALS)])
async def test_bad_notes_and_flags_are_refused_and_store_nothing(
    server: LiveServer, event: str, refusals: list[tuple[Any, str]]
) -> None:
    owner = await server.agent(status="online")
    _visitor, conversation_id = await _chat_with(server, owner)
    for payload, code in refusals:
        if isinstance(payload, dict):
            payload = {"conversation_id": conversation_id, **payload}
            payload = {key: value for key, value in payload.items() if value is not ABSENT}
        ack = await owner.call(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == code, (payload, ack)
        assert ack["error"]["message"]
    too_long = await owner.call("note", {"conversation_id": conversation_id, "text": "字" * 1001})
    assert too_long["error"]["message"] == "备注不能超过 1000 个字符"

    await server.settle()
    assert await _stored_notes_and_flags(server) == (0, [None])
    assert "note_added" not in await _event_types(server, conversation_id)
    assert "flag_changed" not in await _event_types(server, conversation_id)
    # The connection survives all of it, and a note of exactly the limit is fine.
    ok = await owner.call("note", {"conversation_id": conversation_id, "text": "字" * 1000})
    assert ok["ok"] and len(ok["note"]["text"]) == 1000


async def test_a_shopper_cannot_write_notes_or_flags(server: LiveServer) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    await visitor.sio.emit(
        "note", {"conversation_id": conversation_id, "text": "我是顾客"}, namespace="/visitor"
    )
    await visitor.sio.emit(
        "flag", {"conversation_id": conversation_id, "flag": "red"}, namespace="/visitor"
    )
    # Still a normal chat afterwards: the next message is relayed as usual.
    assert (await visitor.send("还在吗"))["ok"]
    await owner.wait_for("message", lambda m: m["text"] == "还在吗")
    await server.settle()

    assert await _stored_notes_and_flags(server) == (0, [None])
    assert owner.received("note") == [] and owner.received("flag") == []
    assert visitor.sio.connected

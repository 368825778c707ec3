"""Read state (已读): each side's mark moves only forward, never past the last message, only
for the shopper's own chat or the agent serving it, and the other side is told at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.db.models import Conversation, ConversationEvent
from tests.conftest import AgentClient, LiveServer, Visitor


async def _chat_with(server: LiveServer, owner: AgentClient) -> tuple[Visitor, int]:
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    assigned = await owner.wait_for("assigned")
    return visitor, assigned["conversation"]["id"]


async def _stored(server: LiveServer, conversation_id: int) -> tuple[int, int, int]:
    async with server.db.sessions() as session:
        row = await session.get_one(Conversation, conversation_id)
        return row.visitor_read_seq, row.agent_read_seq, row.last_seq


async def _event_rows(server: LiveServer, conversation_id: int) -> int:
    async with server.db.sessions() as session:
        rows = await session.scalars(
            select(ConversationEvent.id).where(ConversationEvent.conversation_id == conversation_id)
        )
        return len(list(rows))


def _error(ack: dict[str, Any]) -> str:
    assert ack["ok"] is False, ack
    return str(ack["error"]["code"])


async def test_each_side_is_told_when_the_other_has_read(server: LiveServer) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    assert visitor.session["read"] == {"visitor": 0, "agent": 0}
    reply = await owner.send(conversation_id, "您好，请问有什么可以帮您？")
    reply_seq = reply["message"]["seq"]
    rows_before = await _event_rows(server, conversation_id)

    # The agent opens the chat: the shopper sees 已读 under their message.
    ack = await owner.call("read", {"conversation_id": conversation_id, "seq": reply_seq})
    assert ack == {"ok": True, "conversation_id": conversation_id, "seq": reply_seq}
    told = await visitor.wait_for("read", lambda r: r["by"] == "agent")
    assert told == {"conversation_id": conversation_id, "seq": reply_seq, "by": "agent"}

    # The shopper opens the widget: the agent sees 已读 under the reply.
    assert await visitor.call("read", {"seq": reply_seq}) == {"ok": True, "seq": reply_seq}
    told = await owner.wait_for("read", lambda r: r["by"] == "visitor")
    assert told == {"conversation_id": conversation_id, "seq": reply_seq, "by": "visitor"}
    await server.settle()
    # Neither side hears its own read, and a read writes no event row.
    assert not [r for r in visitor.received("read") if r["by"] == "visitor"]
    assert not [r for r in owner.received("read") if r["by"] == "agent"]
    assert await _event_rows(server, conversation_id) == rows_before

    # A reload and a reconnect start with the marks.
    again = await server.visitor(token=visitor.session["token"])
    assert again.session["read"] == {"visitor": reply_seq, "agent": reply_seq}
    tab = await server.agent()
    chat = await tab.wait_for("assigned")
    assert chat["read"] == {"visitor": reply_seq, "agent": reply_seq}


async def test_marks_only_move_forward_and_never_past_the_last_message(
    server: LiveServer,
) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    await server.settle()
    _, _, last_seq = await _stored(server, conversation_id)

    assert (await visitor.call("read", {"seq": 10_000}))["seq"] == last_seq
    ack = await owner.call("read", {"conversation_id": conversation_id, "seq": 10_000})
    assert ack["seq"] == last_seq
    assert await _stored(server, conversation_id) == (last_seq, last_seq, last_seq)

    # Backwards changes nothing and tells nobody.
    await server.settle()
    heard_by_shopper = len(visitor.received("read"))
    heard_by_agent = len(owner.received("read"))
    assert (await visitor.call("read", {"seq": 1}))["seq"] == last_seq
    assert (await owner.call("read", {"conversation_id": conversation_id, "seq": 0}))[
        "seq"
    ] == last_seq
    await server.settle()
    assert len(visitor.received("read")) == heard_by_shopper
    assert len(owner.received("read")) == heard_by_agent

    # A new message lets the mark move on, up to it.
    reply = await owner.send(conversation_id, "请稍等，我帮您查一下")
    assert (await visitor.call("read", {"seq": 10_000}))["seq"] == reply["message"]["seq"]
    assert await _stored(server, conversation_id) == (
        reply["message"]["seq"],
        last_seq,
        reply["message"]["seq"],
    )


async def test_only_the_agent_serving_the_chat_may_mark_it_read(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    supervisor = await server.agent("admin", "admin123", status="away")
    outsider = await server.agent("other-shop", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    ref = {"conversation_id": conversation_id, "seq": 3}

    assert _error(await colleague.call("read", ref)) == "forbidden"
    assert _error(await supervisor.call("read", ref)) == "forbidden"
    assert _error(await outsider.call("read", ref)) == "not_found"
    missing = {"conversation_id": conversation_id + 1000, "seq": 3}
    assert _error(await owner.call("read", missing)) == "not_found"

    # Closed: nobody serves it any more.
    assert (await owner.call("close", {"conversation_id": conversation_id}))["ok"]
    assert _error(await owner.call("read", ref)) == "forbidden"
    await server.settle()
    assert (await _stored(server, conversation_id))[1] == 0
    assert not [r for r in visitor.received("read") if r["by"] == "agent"]


async def test_bad_input_is_refused_and_changes_nothing(server: LiveServer) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    for payload in (
        None,
        "3",
        [3],
        {},
        {"seq": None},
        {"seq": -1},
        {"seq": "3"},
        {"seq": 2.0},
        {"seq": True},
        {"seq": 2**63},
    ):
        ack = await visitor.call("read", payload)
        assert _error(ack) == "invalid_payload", payload
    assert (await visitor.call("read", {"seq": "x"}))["error"]["field"] == "seq"
    for payload in (
        {"seq": 3},
        {"conversation_id": "abc", "seq": 3},
        {"conversation_id": conversation_id},
        {"conversation_id": conversation_id, "seq": -5},
        {"conversation_id": conversation_id, "seq": False},
    ):
        assert _error(await owner.call("read", payload)) == "invalid_payload", payload
    assert (await _stored(server, conversation_id))[:2] == (0, 0)
    # The connections stay usable.
    assert (await visitor.call("read", {"seq": 1}))["ok"]
    assert (await owner.call("read", {"conversation_id": conversation_id, "seq": 1}))["ok"]

"""The supervisors' live view over real sockets: the board, reassign, take over, silent join,
and the audit of each (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
import socketio
from sqlalchemy import select

from chatserver.db.models import Conversation, SupervisionAudit
from tests.conftest import EventClient, LiveServer, Visitor
from tests.realtime.group_helpers import group_ids
from tests.realtime.supervision_helpers import chat_on_board, serving, supervisor_view
from tests.rest import call


async def queued_chat(server: LiveServer) -> Visitor:
    shopper = await server.visitor()
    sent = await shopper.send("我要转人工")
    assert sent["ok"] and sent["status"] == "queued", sent
    return shopper


async def test_supervisor_sees_a_queued_chat_and_reassigns_it_audited(
    server: LiveServer,
) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    await server.add_agent("lily", "小丽")
    view, token = await supervisor_view(server, "boss")
    # Away: never routed a chat, but open to a supervisor's reassignment.
    lily = await server.agent("lily", "secret123", status="away")
    shopper = await queued_chat(server)
    conversation_id = shopper.session["conversation_id"]

    board = await view.wait_for("live", lambda b: chat_on_board(b, conversation_id) is not None)
    chat = chat_on_board(board, conversation_id)
    assert chat is not None and chat["status"] == "queued" and chat["agent"] is None
    assert chat["sla"]["clocks"][0]["kind"] == "first_response"
    assert chat["sla"]["clocks"][0]["running"] is True
    assert sum(q["count"] for q in board["queues"]) == 1
    assert max(q["longest_wait_s"] or 0 for q in board["queues"]) >= 0
    lily_row = next(a for a in board["agents"] if a["id"] == lily.agent["id"])
    assert (lily_row["status"], lily_row["open_chats"], lily_row["connected"]) == ("away", 0, True)

    # The REST snapshot (page load) says the same.
    status, snapshot = await call(server, "GET", "/api/live", token)
    assert status == 200 and chat_on_board(snapshot, conversation_id) is not None

    ack = await view.call(
        "reassign", {"conversation_id": conversation_id, "to_agent_id": lily.agent["id"]}
    )
    assert ack["ok"], ack
    got = await lily.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
    assert got["conversation"]["handover"]["note"] == "主管 王主管 从实时监控改派了这个会话"
    assert await shopper.wait_for("assigned", lambda a: a["agent"]["name"] == "小丽")

    audit = await view.wait_for("audit", lambda a: a["action"] == "reassign")
    assert audit["by"]["name"] == "王主管"
    assert audit["conversation_id"] == conversation_id
    assert audit["target_agent"] == {"id": lily.agent["id"], "name": "小丽"}
    board = await view.wait_for(
        "live",
        lambda b: (
            (c := chat_on_board(b, conversation_id)) is not None and c["status"] == "assigned"
        ),
    )
    assert chat_on_board(board, conversation_id)["agent"]["name"] == "小丽"  # type: ignore[index]

    status, listed = await call(server, "GET", "/api/live/audit", token)
    assert status == 200 and listed["items"][0]["action"] == "reassign"
    async with server.db.sessions() as session:
        row = await session.scalar(select(SupervisionAudit))
        conversation = await session.get(Conversation, conversation_id)
    assert row is not None and row.action == "reassign" and row.target_agent_id == lily.agent["id"]
    assert conversation is not None and conversation.agent_id == lily.agent["id"]


async def test_take_over_makes_the_supervisor_the_chats_agent(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    xiaomei = await server.agent(status="online")
    shopper = await serving(server, xiaomei)
    conversation_id = shopper.session["conversation_id"]
    view, _token = await supervisor_view(server, "boss")

    # Without the agent panel open a take-over would park the chat where nobody reads it.
    refused = await view.call("take_over", {"conversation_id": conversation_id})
    assert refused["error"]["code"] == "forbidden"

    boss_panel = await server.agent("boss", "secret123", status="away")
    ack = await view.call("take_over", {"conversation_id": conversation_id})
    assert ack["ok"], ack
    assert await boss_panel.wait_for(
        "assigned", lambda a: a["conversation"]["id"] == conversation_id
    )
    assert (await xiaomei.wait_for("unassigned"))["conversation_id"] == conversation_id
    line = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "transferred")
    assert line["text"].startswith("正在为您转接客服 王主管")

    assert (await xiaomei.send(conversation_id, "还在吗"))["error"]["code"] == "forbidden"
    assert (await boss_panel.send(conversation_id, "您好，我是主管，为您处理"))["ok"]
    assert (await view.wait_for("audit"))["action"] == "take_over"


async def test_silent_join_reads_live_without_the_shopper_knowing_and_cannot_send(
    server: LiveServer,
) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    xiaomei = await server.agent(status="online")
    shopper = await serving(server, xiaomei)
    conversation_id = shopper.session["conversation_id"]
    view, token = await supervisor_view(server, "boss")
    boss_panel = await server.agent("boss", "secret123", status="online")
    seen_by_shopper = len(shopper.events)

    ack = await view.call("watch", {"conversation_id": conversation_id})
    assert ack["ok"], ack
    assert "转人工" in [m["text"] for m in ack["chat"]["messages"]]

    assert (await shopper.send("请问什么时候发货"))["ok"]
    got = await view.wait_for("message", lambda m: m["text"] == "请问什么时候发货")
    assert got["conversation_id"] == conversation_id
    assert (await xiaomei.send(conversation_id, "今天下午发出"))["ok"]
    assert await view.wait_for("message", lambda m: m["text"] == "今天下午发出")

    # Watching gives no right to write, on either socket.
    refused = await boss_panel.send(conversation_id, "我来说两句")
    assert refused["error"]["code"] == "forbidden"

    assert (await view.call("unwatch", {"conversation_id": conversation_id}))["ok"]
    assert (await shopper.send("好的谢谢"))["ok"]
    await server.settle()
    assert all(m["text"] != "好的谢谢" for m in view.received("message"))
    # The shopper heard nothing of the supervisor: only their own chat's lines and the agent's.
    later = shopper.events[seen_by_shopper:]
    assert all("王主管" not in str(data) for _name, data in later)

    status, listed = await call(server, "GET", "/api/live/audit", token)
    assert status == 200
    assert [i["action"] for i in listed["items"]][:2] == ["unwatch", "watch"]

    # Closing the page ends the watch, and the trail says so (as another open view hears).
    other_view, _token = await supervisor_view(server, "boss")
    assert (await view.call("watch", {"conversation_id": conversation_id}))["ok"]
    await view.disconnect()
    left = await other_view.wait_for("audit", lambda a: a["detail"].get("reason") is not None)
    assert (left["action"], left["detail"]) == ("unwatch", {"reason": "disconnected"})
    _status, listed = await call(server, "GET", "/api/live/audit", token)
    assert listed["items"][0]["id"] == left["id"]


async def test_live_view_is_refused_to_agents_and_other_shops(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    await server.add_agent("other", "别家主管", role="supervisor", shop="other")
    agent_login = await server.login("agent", "agent123")
    refused_view = EventClient(namespace="/supervisor")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused_view.connect(server.url, {"token": agent_login["token"]})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused_view.connect(server.url, {})
    assert (await call(server, "GET", "/api/live", agent_login["token"]))[0] == 403
    assert (await call(server, "GET", "/api/live/audit", agent_login["token"]))[0] == 403
    assert (await call(server, "GET", "/api/live"))[0] == 401

    xiaomei = await server.agent(status="away")
    shopper = await queued_chat(server)
    conversation_id = shopper.session["conversation_id"]
    # An agent may not move a waiting chat (only supervisors may).
    lily_id = xiaomei.agent["id"]
    moved = await xiaomei.call(
        "transfer", {"conversation_id": conversation_id, "to_agent_id": lily_id, "note": "我来"}
    )
    assert moved["error"]["code"] == "forbidden"

    other_view, _ = await supervisor_view(server, "other")
    for event, payload in (
        ("reassign", {"conversation_id": conversation_id, "to_agent_id": lily_id}),
        ("take_over", {"conversation_id": conversation_id}),
        ("watch", {"conversation_id": conversation_id}),
    ):
        ack = await other_view.call(event, payload)
        assert ack["error"]["code"] == "not_found", (event, ack)
    assert (await other_view.call("reassign", {"conversation_id": conversation_id}))["error"][
        "code"
    ] == "invalid_payload"
    async with server.db.sessions() as session:
        assert (await session.scalar(select(SupervisionAudit))) is None
        conversation = await session.get(Conversation, conversation_id)
    assert conversation is not None and conversation.status == "queued"


async def test_logout_closes_the_live_view(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    view, token = await supervisor_view(server, "boss")
    closed = asyncio.Event()
    view.sio.on("disconnect", closed.set, namespace="/supervisor")

    assert (await call(server, "POST", "/api/auth/logout", token))[0] == 200
    await asyncio.wait_for(closed.wait(), 10)
    # Nothing of the shop reaches it any more, and its old token cannot come back.
    with pytest.raises(socketio.exceptions.ConnectionError):
        await EventClient(namespace="/supervisor").connect(server.url, {"token": token})


async def test_a_supervisor_moves_a_waiting_chat_to_another_groups_queue(
    server: LiveServer,
) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    view, _token = await supervisor_view(server, "boss")
    boss_panel = await server.agent("boss", "secret123", status="away")
    shopper = await queued_chat(server)
    conversation_id = shopper.session["conversation_id"]
    groups = await group_ids(server)

    ack = await boss_panel.call(
        "transfer",
        {"conversation_id": conversation_id, "to_group_id": groups["售后"], "note": "是退货问题"},
    )
    assert ack["ok"], ack
    line = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "transferred")
    assert line["text"].startswith("正在为您转接售后专员")
    board = await view.wait_for(
        "live",
        lambda b: (
            (c := chat_on_board(b, conversation_id)) is not None
            and (c["group"] or {}).get("name") == "售后"
        ),
    )
    chat = chat_on_board(board, conversation_id)
    assert chat is not None and chat["status"] == "queued"
    after_sales = next(q for q in board["queues"] if (q["group"] or {}).get("name") == "售后")
    assert after_sales["count"] == 1
    audit = await view.wait_for("audit")
    assert audit["action"] == "reassign" and audit["detail"]["to_group_id"] == groups["售后"]
    assert audit["detail"]["was_queued"] is True
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
    assert conversation is not None and conversation.group_id == groups["售后"]
    assert conversation.status == "queued"


async def test_a_supervisor_made_an_agent_loses_the_live_view_at_once(server: LiveServer) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    view, token = await supervisor_view(server, "boss")
    closed = asyncio.Event()
    view.sio.on("disconnect", closed.set, namespace="/supervisor")
    admin = (await server.login("admin", "admin123"))["token"]
    boss_id = (await server.login("boss"))["agent"]["id"]

    status, body = await call(server, "PATCH", f"/api/agents/{boss_id}", admin, {"role": "agent"})
    assert status == 200 and body["agent"]["role"] == "agent", body
    await asyncio.wait_for(closed.wait(), 10)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await EventClient(namespace="/supervisor").connect(server.url, {"token": token})

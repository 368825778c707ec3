"""Transfer (转接) and the end of a shift (交接) over real sockets."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import select

from chatserver.db.models import Agent, ChatHandover, Conversation, ConversationEvent
from tests.conftest import AgentClient, LiveServer, Visitor, until_a_query_waits_for_a_lock
from tests.realtime.group_helpers import group_ids, set_groups
from tests.realtime.supervision_helpers import supervisor_view


async def _chat_with(server: LiveServer, agent: AgentClient, text: str = "转人工") -> Visitor:
    shopper = await server.visitor()
    await shopper.send(text)
    conversation_id = shopper.session["conversation_id"]
    await agent.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
    await shopper.wait_for("assigned")
    return shopper


async def _get(server: LiveServer, token: str, path: str) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"}) as r,
    ):
        return r.status, await r.json()


async def test_transfer_to_an_agent_who_reads_the_note_first(server: LiveServer) -> None:
    await server.add_agent("lily", "小丽")
    xiaomei = await server.agent(status="online")
    shopper = await _chat_with(server, xiaomei)
    conversation_id = shopper.session["conversation_id"]
    lily = await server.agent("lily", "secret123", status="away")

    ack = await xiaomei.call(
        "transfer",
        {
            "conversation_id": conversation_id,
            "to_agent_id": lily.agent["id"],
            "note": "顾客要退换尺码，订单号 1234，已核实可换",
        },
    )
    assert ack["ok"], ack
    assert ack["handover"]["note"] == "顾客要退换尺码，订单号 1234，已核实可换"
    assert ack["handover"]["to_agent"] == {"id": lily.agent["id"], "name": "小丽"}

    got = await lily.wait_for("assigned")
    assert got["conversation"]["id"] == conversation_id
    handover = got["conversation"]["handover"]
    assert handover["kind"] == "transfer"
    assert handover["from"] == {"id": xiaomei.agent["id"], "name": "小美"}
    assert handover["note"] == "顾客要退换尺码，订单号 1234，已核实可换"
    # The note is also in the chat's private history, never the shopper's.
    assert got["notes"][-1]["text"].endswith("顾客要退换尺码，订单号 1234，已核实可换")
    assert (await xiaomei.wait_for("unassigned")) == {
        "conversation_id": conversation_id,
        "reason": "transferred",
    }

    # The shopper reads a polite line, then the new agent's greeting: never a gap.
    line = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "transferred")
    assert line["text"].startswith("正在为您转接客服 小丽")
    assert await shopper.wait_for("assigned", lambda a: a["agent"]["name"] == "小丽")
    assert all("1234" not in m["text"] for m in shopper.received("message"))

    # Only the new agent may write now.
    assert (await xiaomei.send(conversation_id, "还在吗"))["error"]["code"] == "forbidden"
    assert (await lily.send(conversation_id, "您好，我是小丽，为您办理换货"))["ok"]

    async with server.db.sessions() as session:
        event = await session.scalar(
            select(ConversationEvent).where(
                ConversationEvent.conversation_id == conversation_id,
                ConversationEvent.type == "transferred",
            )
        )
        conversation = await session.get(Conversation, conversation_id)
    assert event is not None
    assert event.data["from_agent_id"] == xiaomei.agent["id"]
    assert event.data["to_agent_id"] == lily.agent["id"]
    assert event.data["note"] == "顾客要退换尺码，订单号 1234，已核实可换"
    assert conversation is not None and conversation.agent_id == lily.agent["id"]


async def test_transfer_to_a_group_goes_to_its_queue_and_its_agent(server: LiveServer) -> None:
    await server.add_agent("after", "小后")
    await set_groups(server, "after", ["售后"])
    groups = await group_ids(server)
    xiaomei = await server.agent(status="online")
    shopper = await _chat_with(server, xiaomei, "这件有货吗？转人工")
    conversation_id = shopper.session["conversation_id"]

    ack = await xiaomei.call(
        "transfer",
        {"conversation_id": conversation_id, "to_group_id": groups["售后"], "note": "要退款"},
    )
    assert ack["ok"], ack
    line = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "transferred")
    assert line["text"].startswith("正在为您转接售后专员")
    queue = await xiaomei.wait_for(
        "queue", lambda q: any(i["id"] == conversation_id for i in q["items"])
    )
    waiting = next(i for i in queue["items"] if i["id"] == conversation_id)
    assert waiting["group"]["name"] == "售后"
    assert waiting["handover"]["note"] == "要退款"
    await server.settle()
    # 小美 is in 售后 too and has room, but never gets back the chat she handed over.
    assert [a["conversation"]["id"] for a in xiaomei.received("assigned")] == [conversation_id]

    after = await server.agent("after", "secret123", status="online")
    got = await after.wait_for("assigned")
    assert got["conversation"]["id"] == conversation_id
    assert got["conversation"]["handover"]["note"] == "要退款"
    assert got["conversation"]["group"]["name"] == "售后"


async def test_transfer_is_checked_and_bad_input_refused(server: LiveServer) -> None:
    await server.add_agent("lily", "小丽")
    await server.add_agent("boss", "主管", role="supervisor")
    await server.add_agent("other", "别家", shop="other-shop")
    xiaomei = await server.agent(status="online")
    shopper = await _chat_with(server, xiaomei)
    conversation_id = shopper.session["conversation_id"]
    lily = await server.agent("lily", "secret123", status="away")
    groups = await group_ids(server)
    base = {"conversation_id": conversation_id, "note": "请跟进"}

    async def code(client: AgentClient, payload: object) -> str:
        answer = await client.call("transfer", payload)
        assert answer["ok"] is False, answer
        return answer["error"]["code"]

    assert await code(xiaomei, {**base, "note": ""}) == "empty_text"
    assert await code(xiaomei, {**base, "note": "很" * 501}) == "text_too_long"
    assert await code(xiaomei, {"conversation_id": conversation_id, "to_group_id": 1}) == (
        "invalid_payload"
    )
    assert await code(xiaomei, base) == "invalid_payload"  # no target
    both = {**base, "to_agent_id": lily.agent["id"], "to_group_id": groups["售后"]}
    assert await code(xiaomei, both) == "invalid_payload"
    assert await code(xiaomei, {**base, "to_agent_id": "abc"}) == "invalid_payload"
    assert await code(xiaomei, "transfer") == "invalid_payload"
    # Another shop's agent or group, a missing one: not found.
    other = await server.login("other")
    assert await code(xiaomei, {**base, "to_agent_id": other["agent"]["id"]}) == "not_found"
    assert await code(xiaomei, {**base, "to_group_id": 999_999}) == "not_found"
    assert await code(xiaomei, {**base, "to_agent_id": xiaomei.agent["id"]}) == "conflict"
    # A colleague who is offline cannot receive it.
    await server.add_agent("sleepy", "小睡")
    sleepy = await server.login("sleepy")
    assert await code(xiaomei, {**base, "to_agent_id": sleepy["agent"]["id"]}) == "forbidden"
    # Not yours: a colleague cannot transfer it; another shop's agent does not see it.
    assert await code(lily, {**base, "to_agent_id": lily.agent["id"]}) == "forbidden"
    stranger = await server.agent("other", "secret123")
    assert await code(stranger, {**base, "to_agent_id": stranger.agent["id"]}) == "not_found"
    # A shopper cannot call it at all.
    refused = await shopper.call("transfer", {**base, "to_agent_id": lily.agent["id"]})
    assert refused["error"]["code"] == "invalid_payload"
    await server.settle()
    async with server.db.sessions() as session:
        assert list(await session.scalars(select(ChatHandover))) == []
    assert lily.received("assigned") == []

    # A supervisor may transfer anyone's chat of the shop.
    boss = await server.agent("boss", "secret123", status="away")
    ack = await boss.call("transfer", {**base, "to_agent_id": lily.agent["id"]})
    assert ack["ok"], ack
    assert (await lily.wait_for("assigned"))["conversation"]["id"] == conversation_id

    # And back to a group: never straight back to the agent whose chat it was, even when the
    # supervisor, not she, handed it over.
    before = len(lily.received("assigned"))
    ack = await boss.call("transfer", {**base, "to_group_id": groups["售后"]})
    assert ack["ok"], ack
    await server.settle()
    assert len(lily.received("assigned")) == before


async def test_end_of_shift_hands_chats_over_and_the_next_shift_reads_the_summary(
    server: LiveServer,
) -> None:
    xiaomei = await server.agent(status="online")
    first = await _chat_with(server, xiaomei, "我要退货，转人工")
    second = await _chat_with(server, xiaomei, "转人工")
    first_id = first.session["conversation_id"]
    second_id = second.session["conversation_id"]

    bad = await xiaomei.call("end_shift", {"notes": [], "summary": ""})
    assert bad["error"]["code"] == "empty_text"
    stranger = await xiaomei.call(
        "end_shift", {"notes": [{"conversation_id": 999_999, "note": "x"}], "summary": "好"}
    )
    assert stranger["error"]["code"] == "forbidden"

    ack = await xiaomei.call(
        "end_shift",
        {
            "notes": [{"conversation_id": first_id, "note": "退货地址已发，等顾客寄回单号"}],
            "summary": "急：1234 号订单的顾客下午要回电话",
        },
    )
    assert ack["ok"], ack
    assert ack["status"] == "offline"
    assert sorted(ack["returned"]) == sorted([first_id, second_id])
    assert ack["summary"]["text"] == "急：1234 号订单的顾客下午要回电话"
    assert sorted(ack["summary"]["conversation_ids"]) == sorted([first_id, second_id])
    await xiaomei.wait_for("unassigned", lambda u: u["conversation_id"] == second_id)

    # The next shift: the chats come with their notes, the summary waits until dismissed.
    await server.add_agent("evening", "晚班")
    evening = await server.agent("evening", "secret123", status="online")
    chats = {}
    for _ in range(2):
        got = await evening.wait_for("assigned", lambda a: a["conversation"]["id"] not in chats)
        chats[got["conversation"]["id"]] = got["conversation"]["handover"]
    assert chats[first_id]["kind"] == "shift"
    assert chats[first_id]["note"] == "退货地址已发，等顾客寄回单号"
    assert chats[second_id]["kind"] == "auto"
    assert "未填写交接备注" in chats[second_id]["note"]

    status, unread = await _get(server, evening.token, "/api/shift-handovers/unread")
    assert status == 200
    assert [s["text"] for s in unread["items"]] == ["急：1234 号订单的顾客下午要回电话"]
    assert unread["items"][0]["author"]["name"] == "小美"
    summary_id = unread["items"][0]["id"]
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/api/shift-handovers/{summary_id}/dismiss",
            headers={"Authorization": f"Bearer {evening.token}"},
        ) as r,
    ):
        assert r.status == 200
    assert (await _get(server, evening.token, "/api/shift-handovers/unread"))[1]["items"] == []
    # The author does not get their own summary; a plain agent cannot list them all.
    assert (await _get(server, xiaomei.token, "/api/shift-handovers/unread"))[1]["items"] == []
    assert (await _get(server, evening.token, "/api/shift-handovers"))[0] == 403
    admin = await server.login("admin", "admin123")
    status, listed = await _get(server, admin["token"], "/api/shift-handovers")
    assert status == 200 and listed["items"][0]["id"] == summary_id
    # Another shop's staff neither see nor dismiss it.
    await server.add_agent("outsider", "外店", shop="other")
    outsider = (await server.login("outsider"))["token"]
    assert (await _get(server, outsider, "/api/shift-handovers/unread"))[1]["items"] == []
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/api/shift-handovers/{summary_id}/dismiss",
            headers={"Authorization": f"Bearer {outsider}"},
        ) as r,
    ):
        assert r.status == 404


async def test_a_closed_browser_returns_chats_with_an_automatic_note(server: LiveServer) -> None:
    xiaomei = await server.agent(status="online")
    shopper = await _chat_with(server, xiaomei)
    await xiaomei.disconnect()
    # Past the grace period (0.3 s in tests) the chat goes back with the automatic note.
    await server.add_agent("lily", "小丽")
    await server.settle()
    lily = await server.agent("lily", "secret123", status="online")
    got = await lily.wait_for("assigned", timeout=10)
    assert got["conversation"]["id"] == shopper.session["conversation_id"]
    assert got["conversation"]["handover"]["kind"] == "auto"
    assert "小美" in got["conversation"]["handover"]["note"]


async def test_a_supervisors_move_waits_for_routing_instead_of_deadlocking(
    server: LiveServer,
) -> None:
    """Routing (`assign`) locks the agent, then the conversation; a supervisor's 改派 of a
    waiting chat must take them in the same order, or the two deadlock on PostgreSQL."""
    if not server.db.url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's: SQLite locks the whole database")
    await server.add_agent("boss", "王主管", role="supervisor")
    await server.add_agent("lily", "小丽")
    view, _token = await supervisor_view(server, "boss")
    lily = await server.agent("lily", "secret123", status="away")
    shopper = await server.visitor()
    assert (await shopper.send("我要转人工"))["status"] == "queued"
    conversation_id = shopper.session["conversation_id"]

    async with server.db.engine.connect() as routing, routing.begin():
        # Routing's order: the agent's row first ...
        await routing.execute(select(Agent).where(Agent.id == lily.agent["id"]).with_for_update())
        reassign = asyncio.ensure_future(
            view.call(
                "reassign", {"conversation_id": conversation_id, "to_agent_id": lily.agent["id"]}
            )
        )
        await until_a_query_waits_for_a_lock(server, held_by=routing)
        # ... then the conversation's, while the move waits for the agent.
        await routing.execute(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        )
    ack = await reassign
    assert ack["ok"], ack
    assert await lily.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)

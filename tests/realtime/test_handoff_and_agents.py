"""Handoff, the queue, routing, agents at work, and what survives a disconnect."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from chatserver.db.models import Conversation, ConversationEvent, Message
from tests.conftest import LiveServer


async def _conversation(server: LiveServer, conversation_id: int) -> Conversation:
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
    assert conversation is not None
    return conversation


async def test_handoff_queue_assign_relay_and_close(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]

    await visitor.send("请帮我转人工")
    assigned = await agent.wait_for("assigned")
    assert assigned["conversation"]["id"] == conversation_id
    assert assigned["conversation"]["handoff_reason"] == "requested"
    assert [m["text"] for m in assigned["messages"]][1] == "请帮我转人工"
    shopper_view = await visitor.wait_for("assigned")
    assert shopper_view["agent"] == {"id": agent.agent["id"], "name": "小美"}

    # Agent → shopper, with the response time stored on the reply.
    reply = await agent.send(conversation_id, "您好，我是小美，请问有什么可以帮您？")
    assert reply["ok"]
    seen = await visitor.wait_for("message", lambda m: m["sender"] == "agent")
    assert seen["text"] == "您好，我是小美，请问有什么可以帮您？"
    assert seen["sender_name"] == "小美"

    # Shopper → agent, with FAQ suggestions for the agent.
    await visitor.send("这件衣服还有货吗？")
    relayed = await agent.wait_for(
        "message", lambda m: m["sender"] == "visitor" and "有货" in m["text"]
    )
    assert relayed["conversation_id"] == conversation_id
    suggestions = await agent.wait_for(
        "suggestions", lambda s: any(i["kind"] == "faq" for i in s["items"])
    )
    assert suggestions["conversation_id"] == conversation_id
    await server.settle()
    # The bot stays silent once a human owns the chat.
    assert [m for m in visitor.bot_messages() if m["seq"] > relayed["seq"]] == []

    closed_ack = await agent.call("close", {"conversation_id": conversation_id})
    assert closed_ack == {"ok": True}
    assert (await visitor.wait_for("closed"))["reason"] == "agent"
    assert (await agent.wait_for("closed"))["conversation_id"] == conversation_id

    conversation = await _conversation(server, conversation_id)
    assert conversation.status == "closed"
    assert conversation.queued_at and conversation.assigned_at
    assert conversation.first_response_at and conversation.closed_at
    assert conversation.queued_at <= conversation.assigned_at <= conversation.first_response_at
    async with server.db.sessions() as session:
        event_types = list(
            await session.scalars(
                select(ConversationEvent.type)
                .where(ConversationEvent.conversation_id == conversation_id)
                .order_by(ConversationEvent.id)
            )
        )
        stored_reply = await session.get(Message, reply["message"]["id"])
    assert event_types == ["created", "handoff", "assigned", "closed"]
    assert stored_reply is not None and stored_reply.response_ms is not None
    assert stored_reply.response_ms >= 0


async def test_response_time_runs_from_the_first_unanswered_message(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    conversation_id = visitor.session["conversation_id"]
    await visitor.send("转人工")
    await agent.wait_for("assigned")
    await asyncio.sleep(0.2)
    await visitor.send("在吗？")
    await asyncio.sleep(0.2)
    first = await agent.send(conversation_id, "在的，请讲")
    second = await agent.send(conversation_id, "还有什么需要帮您的吗？")

    async with server.db.sessions() as session:
        replies = {
            m.id: m
            for m in await session.scalars(
                select(Message).where(Message.conversation_id == conversation_id)
            )
        }
    # Clock started at the 转人工 message, not at "在吗？", and a reply nobody waited for has none.
    assert replies[first["message"]["id"]].response_ms >= 400
    assert replies[second["message"]["id"]].response_ms is None


async def test_complaint_jumps_the_queue(server: LiveServer) -> None:
    agent = await server.agent(status="away")
    patient = await server.visitor()
    await patient.send("转人工")
    await patient.wait_for("queue")
    angry = await server.visitor()
    await angry.send("你们这什么质量，我要投诉！")
    await angry.wait_for("queue")

    queue = await agent.wait_for("queue", lambda q: len(q["items"]) == 2)
    assert [item["id"] for item in queue["items"]] == [
        angry.session["conversation_id"],
        patient.session["conversation_id"],
    ]
    assert queue["items"][0]["priority"] == 1
    assert queue["items"][0]["handoff_reason"] == "complaint"
    assert (await angry.wait_for("queue", lambda q: q["position"] == 1))["position"] == 1
    assert (await patient.wait_for("queue", lambda q: q["position"] == 2))["position"] == 2


async def test_waiting_chat_is_assigned_the_moment_an_agent_comes_online(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    ack = await visitor.call("handoff", {})
    assert ack["ok"] and ack["status"] == "queued"
    # Nobody online: no estimate is promised, and a 留言 is offered besides waiting.
    assert ack["queue"] == {"position": 1, "eta_s": None, "agents_online": 0}
    assert ack["leave_message"]["reason"] == "nobody_online"

    agent = await server.agent()  # connecting makes an offline agent online
    assigned = await agent.wait_for("assigned")
    assert assigned["conversation"]["id"] == visitor.session["conversation_id"]
    await visitor.wait_for("assigned")


async def test_two_agents_racing_to_accept_one_chat_exactly_one_wins(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    first = await server.agent(status="away")
    second = await server.agent("xiaowang", "secret123", status="away")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    conversation_id = visitor.session["conversation_id"]

    acks = await asyncio.gather(
        first.call("accept", {"conversation_id": conversation_id}),
        second.call("accept", {"conversation_id": conversation_id}),
    )

    winners = [ack for ack in acks if ack["ok"]]
    losers = [ack for ack in acks if not ack["ok"]]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0]["error"]["code"] == "conflict"
    assert winners[0]["conversation"]["status"] == "assigned"
    conversation = await _conversation(server, conversation_id)
    assert conversation.agent_id in (first.agent["id"], second.agent["id"])
    async with server.db.sessions() as session:
        assignments = list(
            await session.scalars(
                select(ConversationEvent).where(
                    ConversationEvent.conversation_id == conversation_id,
                    ConversationEvent.type == "assigned",
                )
            )
        )
    assert len(assignments) == 1


async def test_routing_prefers_the_least_loaded_agent_and_respects_max_chats(
    server: LiveServer,
) -> None:
    await server.add_agent("solo", "阿杰", max_chats=1)
    await server.add_agent("duo", "阿丽", max_chats=2)
    solo = await server.agent("solo", "secret123", status="online")
    duo = await server.agent("duo", "secret123", status="online")
    shoppers = [await server.visitor() for _ in range(4)]
    for shopper in shoppers:
        await shopper.call("handoff", {})
    for shopper in shoppers[:3]:
        await shopper.wait_for("assigned")
    await shoppers[3].wait_for("queue", lambda q: q["position"] == 1)

    assert len(solo.received("assigned")) == 1
    assert len(duo.received("assigned")) == 2
    assert shoppers[3].received("assigned") == []
    # Closing a chat frees a seat, and the waiting shopper gets it at once.
    chat = solo.received("assigned")[0]["conversation"]["id"]
    await solo.call("close", {"conversation_id": chat})
    await shoppers[3].wait_for("assigned")


async def test_agent_cannot_write_into_chats_that_are_not_theirs(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    outsider = await server.agent("other-shop", "secret123", status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await owner.wait_for("assigned"))["conversation"]["id"]

    by_colleague = await colleague.send(conversation_id, "我来插一句")
    by_outsider = await outsider.send(conversation_id, "我是别家店的")
    accept_outside = await outsider.call("accept", {"conversation_id": conversation_id})
    close_outside = await outsider.call("close", {"conversation_id": conversation_id})
    missing = await owner.send(999999, "不存在的会话")
    bad_id = await owner.call("message", {"conversation_id": "abc", "client_id": "x", "text": "y"})

    assert by_colleague["error"]["code"] == "forbidden"
    assert by_outsider["error"]["code"] == "not_found"
    assert accept_outside["error"]["code"] == "not_found"
    assert close_outside["error"]["code"] == "not_found"
    assert missing["error"]["code"] == "not_found"
    assert bad_id["error"]["code"] == "invalid_payload"
    # The outsider's waiting list never shows the other shop's chats, nor its messages.
    await visitor.send("这条只给本店客服看")
    await owner.wait_for("message", lambda m: m["text"] == "这条只给本店客服看")
    assert outsider.received("queue") and all(not q["items"] for q in outsider.received("queue"))
    assert not outsider.received("message") and not outsider.received("assigned")


async def test_agent_disconnect_returns_chats_to_the_queue_after_grace(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("人工客服")
    await agent.wait_for("assigned")
    await agent.disconnect()

    notice = await visitor.wait_for(
        "message", lambda m: m["meta"].get("event") == "returned_to_queue", timeout=5
    )
    assert notice["sender"] == "system"
    assert (await visitor.wait_for("queue"))["position"] == 1
    conversation = await _conversation(server, visitor.session["conversation_id"])
    assert conversation.status == "queued" and conversation.agent_id is None

    # Someone else coming online takes it straight away.
    await server.add_agent("xiaowang", "小王")
    colleague = await server.agent("xiaowang", "secret123")
    taken = await colleague.wait_for("assigned")
    assert taken["conversation"]["id"] == visitor.session["conversation_id"]


async def test_going_offline_returns_chats_at_once(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]

    ack = await agent.call("status", {"status": "offline"})
    assert ack == {"ok": True, "status": "offline"}
    unassigned = await agent.wait_for("unassigned")
    assert unassigned == {"conversation_id": conversation_id, "reason": "offline"}
    assert (await _conversation(server, conversation_id)).status == "queued"
    bad = await agent.call("status", {"status": "sleeping"})
    assert bad["error"]["code"] == "invalid_payload"


async def test_agent_reconnecting_catches_up_on_everything_missed(
    database_url: str, tmp_path: Path
) -> None:
    from tests.conftest import AgentClient, running_server

    # A grace period a loaded machine cannot outlast between the drop and the reconnect (the
    # fixture's 0.3 s could run out while the shopper was still writing).
    grace = 2.0
    async with running_server(
        database_url, tmp_path, CHATSERVER_AGENT_GRACE_SECONDS=str(grace)
    ) as server:
        agent = await server.agent(status="online")
        visitor = await server.visitor()
        await visitor.send("转人工")
        conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
        token = agent.token
        await agent.disconnect()

        await visitor.send("我先说一下情况")
        await visitor.send("衣服洗了一次就掉色了")

        # Back within the grace period: same chat, with the messages sent while away.
        again = AgentClient(token=token)
        await again.connect(server.url, {"token": token})
        server.clients.append(again)
        catch_up = await again.wait_for("assigned")
        assert catch_up["conversation"]["id"] == conversation_id
        texts = [m["text"] for m in catch_up["messages"]]
        assert texts[-2:] == ["我先说一下情况", "衣服洗了一次就掉色了"]
        await asyncio.sleep(grace + 0.5)  # past the grace period: the chat must still be theirs
        assert (await _conversation(server, conversation_id)).status == "assigned"


async def test_closed_conversation_reopens_with_the_bot(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    await agent.call("close", {"conversation_id": conversation_id})
    await visitor.wait_for("closed")

    closed_write = await agent.send(conversation_id, "还在吗")
    assert closed_write["error"]["code"] == "forbidden"
    reopened = await visitor.send("再问一下，怎么开发票")
    assert reopened["status"] == "bot"
    answer = await visitor.wait_for(
        "message", lambda m: m["sender"] == "bot" and "发票" in m["text"]
    )
    assert answer["conversation_id"] == conversation_id
    assert (await _conversation(server, conversation_id)).status == "bot"


async def test_typing_reaches_the_other_side(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]

    assert (await agent.call("typing", {"conversation_id": conversation_id, "typing": True}))["ok"]
    assert (await visitor.wait_for("typing")) == {"typing": True, "name": "小美"}
    assert (await visitor.call("typing", {"typing": True}))["ok"]
    assert (await agent.wait_for("typing"))["conversation_id"] == conversation_id
    assert (await visitor.call("typing", {"typing": "yes"}))["error"]["code"] == "invalid_payload"


async def test_agent_without_a_valid_token_is_refused(server: LiveServer) -> None:
    import pytest
    import socketio

    from tests.conftest import AgentClient

    for auth in (None, {}, {"token": "forged"}, {"token": 123}):
        client = AgentClient()
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(server.url, auth)


async def test_after_a_restart_absent_agents_chats_return_to_the_queue(
    database_url: str, tmp_path: Path
) -> None:
    from tests.conftest import running_server

    # The first process stops while the agent is connected, long before their grace period
    # ends: the agent row still says online and the chat is still theirs.
    async with running_server(
        database_url, tmp_path / "before", CHATSERVER_AGENT_GRACE_SECONDS="60"
    ) as before:
        agent = await before.agent(status="online")
        visitor = await before.visitor()
        await visitor.send("转人工")
        conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    assert (await _conversation(before, conversation_id)).status == "assigned"
    async with running_server(database_url, tmp_path / "after") as after:
        for _ in range(40):
            conversation = await _conversation(after, conversation_id)
            if conversation.status == "queued":
                break
            await asyncio.sleep(0.1)
        assert conversation.status == "queued" and conversation.agent_id is None


async def test_lines_written_while_suggestions_are_found_get_suggestions_for_the_last(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    await server.settle()

    registry = server.parts.faq
    real = registry.agent_suggestions
    asked: list[str] = []
    shops: list[int] = []
    first_taken, release = asyncio.Event(), asyncio.Event()

    async def slow_first(shop_id: int, text: str) -> list[dict[str, Any]]:
        asked.append(text)
        shops.append(shop_id)
        if len(asked) == 1:
            first_taken.set()
            await release.wait()  # the agent's panel is still waiting on the first line
        return await real(shop_id, text)

    monkeypatch.setattr(registry, "agent_suggestions", slow_first)
    assert (await visitor.send("在吗"))["ok"]
    await first_taken.wait()
    for line in ("我想问一下", "衣服洗了会缩水吗"):
        assert (await visitor.send(line))["ok"]
    await agent.wait_for("message", lambda m: m["text"] == "衣服洗了会缩水吗")
    release.set()
    await server.settle()

    expected = await real(shops[0], "衣服洗了会缩水吗")
    assert expected and expected[0]["kind"] == "faq"
    last = await agent.wait_for("suggestions", lambda s: s["items"] == expected)
    assert last["conversation_id"] == conversation_id
    assert asked == ["在吗", "衣服洗了会缩水吗"]

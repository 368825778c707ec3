"""The block list (拒访客户清单): a blocked shopper's chat ends, their messages are stored but
only ever get the bot's fixed reply (never the queue, whatever they type), they are held to a
tighter rate limit, and only a supervisor or admin may take them off the list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select, update

from chatserver.db.models import Conversation, ConversationEvent, Message, ShopperBlock, utcnow
from chatserver.domain.blocks import BLOCKED_REPLY
from tests.conftest import AgentClient, LiveServer, Visitor

REASON = "多次辱骂客服，并恶意刷屏"


async def _request(server: LiveServer, method: str, path: str, token: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, server.url + path, headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


async def _chat_with(server: LiveServer, owner: AgentClient) -> tuple[Visitor, int]:
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


async def _fixed_replies(server: LiveServer, conversation_id: int) -> int:
    async with server.db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.conversation_id == conversation_id, Message.text == BLOCKED_REPLY)
        )
    return count or 0


async def _status(server: LiveServer, conversation_id: int) -> str:
    async with server.db.sessions() as session:
        return (await session.get_one(Conversation, conversation_id)).status


async def test_a_blocked_shopper_gets_the_fixed_reply_and_never_reaches_the_queue(
    server: LiveServer,
) -> None:
    owner = await server.agent(status="online")
    supervisor = await server.agent("admin", "admin123", status="away")
    visitor, conversation_id = await _chat_with(server, owner)

    ack = await owner.call("block", {"conversation_id": conversation_id, "reason": f" {REASON} "})
    assert ack["ok"], ack
    block = ack["block"]
    assert block["reason"] == REASON
    assert block["conversation_id"] == conversation_id
    assert block["blocked_by"] == {"id": owner.agent["id"], "name": "小美"}
    assert block["visitor"]["id"] == visitor.session["visitor"]["id"]
    assert block["created_at"].endswith("Z")

    # The open chat ends with the fixed reply; the shopper is not asked to rate it.
    farewell = await visitor.wait_for("message", lambda m: m["text"] == BLOCKED_REPLY)
    assert farewell["sender"] == "bot"
    closed = await visitor.wait_for("closed")
    assert closed == {"reason": "blocked", "rating": {"requested": False}}
    assert (await owner.wait_for("closed"))["reason"] == "blocked"
    # Every panel of the shop hears of it (the blocker has it from the ack).
    assert await supervisor.wait_for("blocked") == block

    # Whatever they type now is stored and goes nowhere: no bot turn, no handoff, no queue.
    for text in ("我要转人工", "我要投诉你们", "你好"):
        sent = await visitor.send(text)
        assert sent["ok"] and sent["status"] == "closed", sent
        assert sent["message"]["text"] == text
    handoff = await visitor.call("handoff", {})
    assert handoff == {"ok": True, "queue": None, "status": "closed"}
    await server.settle()

    assert await _status(server, conversation_id) == "closed"
    types = await _event_types(server, conversation_id)
    assert types[-2:] == ["shopper_blocked", "closed"]
    # At most one fixed reply a minute: the farewell was it.
    assert await _fixed_replies(server, conversation_id) == 1
    queue = await supervisor.wait_for("queue")
    assert all(item["conversation_id"] != conversation_id for item in queue["items"])
    assert not any(m["sender"] == "visitor" for m in owner.received("message")[-3:])


async def test_the_fixed_reply_comes_again_after_a_minute_and_no_sooner(
    server: LiveServer,
) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    assert (await owner.call("block", {"conversation_id": conversation_id, "reason": REASON}))["ok"]
    # A minute has passed since the farewell (set in the stored row, not slept for).
    async with server.db.transaction() as tx:
        await tx.session.execute(
            update(ShopperBlock).values(last_reply_at=utcnow() - timedelta(minutes=1, seconds=1))
        )
    first = await visitor.send("在吗")
    second = await visitor.send("在吗？？")
    assert first["ok"] and second["ok"]
    reply = await visitor.wait_for(
        "message", lambda m: m["text"] == BLOCKED_REPLY and m["seq"] > first["message"]["seq"]
    )
    assert reply["sender"] == "bot" and reply["seq"] == first["message"]["seq"] + 1
    await server.settle()
    assert await _fixed_replies(server, conversation_id) == 2


async def test_a_blocked_shopper_is_held_to_a_tighter_rate_limit(server: LiveServer) -> None:
    owner = await server.agent(status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    assert (await owner.call("block", {"conversation_id": conversation_id, "reason": REASON}))["ok"]
    acks = [await visitor.send(f"刷屏{i}", client_id=f"spam-{i}") for i in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["error"]["code"] == "rate_limited"
    # A resend of a stored message is still answered; the refused one was not stored.
    again = await visitor.send("刷屏0", client_id="spam-0")
    assert again["ok"] and again["message"]["id"] == acks[0]["message"]["id"]
    async with server.db.sessions() as session:
        texts = list(
            await session.scalars(
                select(Message.text).where(
                    Message.conversation_id == conversation_id, Message.sender == "visitor"
                )
            )
        )
    assert "刷屏3" not in texts and "刷屏2" in texts


async def test_another_shops_agent_cannot_block_and_bad_input_stores_nothing(
    server: LiveServer,
) -> None:
    await server.add_agent("other-shop", "外店客服", shop="other")
    owner = await server.agent(status="online")
    outsider = await server.agent("other-shop", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)

    foreign = await outsider.call("block", {"conversation_id": conversation_id, "reason": REASON})
    assert foreign["error"]["code"] == "not_found"
    cases: list[tuple[Any, str]] = [
        ({"conversation_id": conversation_id}, "invalid_payload"),
        ({"conversation_id": conversation_id, "reason": None}, "invalid_payload"),
        ({"conversation_id": conversation_id, "reason": 5}, "invalid_payload"),
        ({"conversation_id": conversation_id, "reason": "   "}, "empty_text"),
        ({"conversation_id": conversation_id, "reason": "骂" * 201}, "text_too_long"),
        ({"conversation_id": "abc", "reason": REASON}, "invalid_payload"),
        ({"conversation_id": 999_999, "reason": REASON}, "not_found"),
        ("block", "invalid_payload"),
    ]
    for payload, code in cases:
        ack = await owner.call("block", payload)
        assert not ack["ok"] and ack["error"]["code"] == code, (payload, ack)
        assert ack["error"]["message"]
    await server.settle()
    async with server.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ShopperBlock)) == 0
    assert await _status(server, conversation_id) == "assigned"
    assert not visitor.received("closed")
    # The longest reason is fine.
    longest = await owner.call("block", {"conversation_id": conversation_id, "reason": "骂" * 200})
    assert longest["ok"] and len(longest["block"]["reason"]) == 200


async def test_only_supervisors_see_and_lift_blocks_and_unblocking_restores_service(
    server: LiveServer,
) -> None:
    await server.add_agent("boss-other", "外店店长", shop="other", role="supervisor")
    owner = await server.agent(status="online")
    supervisor = await server.agent("admin", "admin123", status="away")
    other_boss = await server.agent("boss-other", "secret123", status="away")
    visitor, conversation_id = await _chat_with(server, owner)
    block = (await owner.call("block", {"conversation_id": conversation_id, "reason": REASON}))[
        "block"
    ]
    path = f"/api/blocks/{block['id']}"

    # An agent may block but neither read the list nor unblock.
    assert (await _request(server, "GET", "/api/blocks", owner.token))[0] == 403
    status, body = await _request(server, "DELETE", path, owner.token)
    assert status == 403 and body["error"]["code"] == "forbidden"
    # Another shop's supervisor sees nothing of it.
    assert await _request(server, "GET", "/api/blocks", other_boss.token) == (200, {"items": []})
    status, body = await _request(server, "DELETE", path, other_boss.token)
    assert status == 404 and body["error"]["code"] == "not_found"
    assert (await _request(server, "DELETE", "/api/blocks/abc", supervisor.token))[0] == 404

    status, listing = await _request(server, "GET", "/api/blocks", supervisor.token)
    assert status == 200 and listing["items"] == [block]
    assert block["visitor"]["name"] == visitor.session["visitor"]["name"]

    assert await _request(server, "DELETE", path, supervisor.token) == (200, {"id": block["id"]})
    unblocked = await owner.wait_for("unblocked")
    assert unblocked["id"] == block["id"] and unblocked["conversation_id"] == conversation_id
    assert unblocked["by"]["name"] == "店长"
    assert (await _request(server, "DELETE", path, supervisor.token))[0] == 404
    assert await _request(server, "GET", "/api/blocks", supervisor.token) == (200, {"items": []})

    # Served as usual again: 转人工 queues the chat and the agent gets it.
    ack = await visitor.send("我要转人工")
    assert ack["ok"] and ack["status"] == "queued", ack
    again = await owner.wait_for(
        "assigned", lambda chat: chat["conversation"]["id"] == conversation_id
    )
    assert again["conversation"]["status"] == "assigned"
    types = await _event_types(server, conversation_id)
    assert "shopper_unblocked" in types and types[-1] in ("assigned", "handoff")

"""留言 over Socket.IO, with the service clock set (no sleeps): outside hours the bot says when
people are back and takes a message, which waits in the queue for the next shift and is
answered there; with nobody online inside hours the chat waits with the offer and no estimate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from chatserver.db.models import Conversation, Message
from tests.conftest import LiveServer, Visitor, running_server

SH = ZoneInfo("Asia/Shanghai")


class ServiceClock:
    """The clock business hours are read with; a test moves it."""

    def __init__(self, shanghai: str) -> None:
        self.set(shanghai)

    def set(self, shanghai: str) -> None:
        self.at = datetime.fromisoformat(shanghai).replace(tzinfo=SH).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at


@asynccontextmanager
async def server_at(
    database_url: str, tmp_path: Path, shanghai: str
) -> AsyncIterator[tuple[LiveServer, ServiceClock]]:
    clock = ServiceClock(shanghai)
    async with running_server(database_url, tmp_path, clock=clock) as live:
        yield live, clock


def offers(visitor: Visitor) -> list[dict[str, Any]]:
    return [m for m in visitor.bot_messages() if "leave_message_offer" in m["meta"]]


async def leave(visitor: Visitor, text: str, **extra: Any) -> Any:
    client_id = f"lm-{text.encode().hex()[:40]}"  # the same 留言 again is the same client_id
    return await visitor.call("leave_message", {"client_id": client_id, "text": text, **extra})


async def stored_messages(server: LiveServer, conversation_id: int) -> list[Message]:
    async with server.db.sessions() as session:
        rows = await session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)
        )
        return list(rows)


async def conversation(server: LiveServer, conversation_id: int) -> Conversation:
    async with server.db.sessions() as session:
        return await session.get_one(Conversation, conversation_id)


async def test_at_2am_the_bot_says_when_people_are_back_and_the_message_waits_for_the_shift(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 02:00") as (server, clock):
        shopper = await server.visitor()
        conversation_id = shopper.session["conversation_id"]

        ack = await shopper.call("handoff", {})
        assert ack["ok"] and ack["status"] == "bot" and ack["queue"] is None
        assert ack["leave_message"]["reason"] == "closed"
        assert ack["leave_message"]["back_text"] == "今天 09:00"
        assert ack["leave_message"]["back_at"] == "2026-11-30T01:00:00Z"
        offer = await shopper.wait_for("message", lambda m: "leave_message_offer" in m["meta"])
        assert "客服在今天 09:00 上班" in offer["text"] and "留言" in offer["text"]

        # Typed, the request gets the same honest answer, and nothing reaches the queue.
        typed = await shopper.send("我要转人工")
        assert typed["status"] == "bot"
        again = await shopper.wait_for(
            "message", lambda m: "leave_message_offer" in m["meta"] and m["id"] != offer["id"]
        )
        assert "客服在今天 09:00 上班" in again["text"]
        await server.settle()
        assert len(offers(shopper)) == 2
        assert (await conversation(server, conversation_id)).status == "bot"

        sent = await leave(
            shopper, "衣服尺码发错了，想换成L码", phone="138 0013 8000", order_no="TB20261130001"
        )
        assert sent["ok"] and sent["status"] == "queued", sent
        assert sent["message"]["sender"] == "visitor"
        assert sent["message"]["meta"]["leave_message"] == {
            "phone": "13800138000",
            "order_no": "TB20261130001",
        }
        assert "衣服尺码发错了" in sent["message"]["text"]
        received = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "queued")
        assert "留言已收到" in received["text"] and "今天 09:00" in received["text"]
        # No estimate is promised with nobody there.
        position = await shopper.wait_for("queue")
        assert position["eta_s"] is None and position["agents_online"] == 0
        stored = await conversation(server, conversation_id)
        assert stored.status == "queued" and stored.handoff_reason == "leave_message"
        token = shopper.session["token"]
        await shopper.disconnect()

        # 09:05: the shift starts; the agent comes online and is given the 留言.
        clock.set("2026-11-30 09:05")
        agent = await server.agent()
        assigned = await agent.wait_for("assigned")
        assert assigned["conversation"]["id"] == conversation_id
        assert assigned["conversation"]["handoff_reason"] == "leave_message"
        assert any("衣服尺码发错了" in m["text"] for m in assigned["messages"])
        answer = await agent.send(conversation_id, "您好，已为您登记换L码，今天就发出。")
        assert answer["ok"]

        # The shopper opens the widget again and reads the answer.
        back = await server.visitor(token=token)
        assert back.session["conversation_id"] == conversation_id
        texts = [m["text"] for m in back.session["messages"]]
        assert texts[-1] == "您好，已为您登记换L码，今天就发出。"


async def test_late_at_night_people_are_back_tomorrow_and_bad_messages_are_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 23:30") as (server, _clock):
        shopper = await server.visitor()
        ack = await shopper.call("handoff", {})
        assert ack["leave_message"]["back_text"] == "明天 09:00"
        offer = await shopper.wait_for("message", lambda m: "leave_message_offer" in m["meta"])
        assert "客服在明天 09:00 上班" in offer["text"]

        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"text": "   "}, "empty_text", "text"),
            ({"text": "好" * 501}, "text_too_long", "text"),
            ({"text": 12}, "invalid_payload", "text"),
            ({"text": "请回电", "phone": "call me"}, "invalid_payload", "phone"),
            ({"text": "请回电", "phone": "12"}, "invalid_payload", "phone"),
            ({"text": "查订单", "order_no": "订单<b>1</b>"}, "invalid_payload", "order_no"),
            ({"text": "查订单", "order_no": 42}, "invalid_payload", "order_no"),
        ]
        for payload, code, field in cases:
            refused = await shopper.call("leave_message", {"client_id": "bad", **payload})
            assert not refused["ok"], payload
            assert refused["error"]["code"] == code and refused["error"]["field"] == field
        refused = await shopper.call("leave_message", {"text": "没有 client_id"})
        assert refused["error"]["code"] == "invalid_payload"
        conversation_id = shopper.session["conversation_id"]
        assert not [
            m for m in await stored_messages(server, conversation_id) if m.sender == "visitor"
        ]
        assert (await conversation(server, conversation_id)).status == "bot"

        # The same client_id again is the same 留言, not a second one.
        first = await leave(shopper, "明天请联系我")
        again = await leave(shopper, "明天请联系我")
        assert first["message"]["id"] == again["message"]["id"]
        visitor_lines = [
            m for m in await stored_messages(server, conversation_id) if m.sender == "visitor"
        ]
        assert len(visitor_lines) == 1


async def test_messages_are_served_complaints_first_then_oldest_as_agents_come_online(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 03:00") as (server, clock):
        await server.add_agent("xiaoli", "小丽", max_chats=1)
        first, second, angry = [await server.visitor() for _ in range(3)]
        for shopper, text in (
            (first, "想问一下能不能改地址"),
            (second, "想改成顺丰发货"),
            (angry, "质量太差了，我要投诉"),
        ):
            ack = await shopper.call("handoff", {})
            assert ack["status"] == "bot"
            assert (await leave(shopper, text))["status"] == "queued"
        assert (await conversation(server, angry.session["conversation_id"])).priority == 1

        clock.set("2026-11-30 09:00")
        agent = await server.agent("xiaoli", "secret123")
        served = []
        for _ in range(3):
            chat = await agent.wait_for("assigned", lambda a: a["conversation"]["id"] not in served)
            served.append(chat["conversation"]["id"])
            assert (await agent.call("close", {"conversation_id": served[-1]}))["ok"]
        assert served == [
            angry.session["conversation_id"],
            first.session["conversation_id"],
            second.session["conversation_id"],
        ]


async def test_with_an_agent_still_online_after_hours_the_shop_is_closed_to_new_chats(
    database_url: str, tmp_path: Path
) -> None:
    """Decision: hours decide. An agent staying on past 23:00 finishes their chats; a new
    request for a person gets the hours and the 留言 form, and a 留言 left is then routed to
    whoever is still online, like any waiting chat."""
    async with server_at(database_url, tmp_path, "2026-11-30 23:10") as (server, _clock):
        agent = await server.agent(status="online")
        shopper = await server.visitor()
        ack = await shopper.call("handoff", {})
        assert ack["status"] == "bot" and ack["leave_message"]["reason"] == "closed"
        await leave(shopper, "明天几点能发货？")
        assigned = await agent.wait_for("assigned")
        assert assigned["conversation"]["id"] == shopper.session["conversation_id"]


async def test_inside_hours_with_nobody_online_the_chat_waits_with_the_offer(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 14:00") as (server, _clock):
        shopper = await server.visitor()
        ack = await shopper.call("handoff", {})
        assert ack["status"] == "queued"
        assert ack["queue"] == {"position": 1, "eta_s": None, "agents_online": 0}
        assert ack["leave_message"] == {
            "reason": "nobody_online",
            "back_at": None,
            "back_text": None,
        }
        notice = await shopper.wait_for("message", lambda m: m["meta"].get("event") == "queued")
        assert "客服暂时都不在线" in notice["text"] and "留言" in notice["text"]
        assert notice["meta"]["leave_message_offer"]["reason"] == "nobody_online"

        sent = await leave(shopper, "请尽快联系我", phone="13800138000")
        assert sent["status"] == "queued"
        stored = await conversation(server, shopper.session["conversation_id"])
        assert stored.handoff_reason == "leave_message"


async def test_the_wait_estimate_comes_from_recent_handling_times(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 10:00") as (server, _clock):
        await server.add_agent("xiaoli", "小丽", max_chats=1)
        agent = await server.agent("xiaoli", "secret123")
        # Three earlier chats a person handled for 2, 5 and 15 minutes.
        earlier = [(await server.visitor()).session["conversation_id"] for _ in range(3)]
        base = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
        async with server.db.transaction() as tx:
            for conversation_id, minutes in zip(earlier, (2, 5, 15), strict=True):
                row = await tx.session.get_one(Conversation, conversation_id)
                row.status, row.assigned_at = "closed", base
                row.closed_at = base + timedelta(minutes=minutes)

        served = await server.visitor()
        await served.call("handoff", {})
        await agent.wait_for("assigned")
        waiting = await server.visitor()
        ack = await waiting.call("handoff", {})
        # The only seat is taken: the next one frees up in about the median handling time.
        assert ack["queue"] == {"position": 1, "eta_s": 300, "agents_online": 1}
        assert "leave_message" not in ack


async def test_at_night_a_complaint_or_a_bot_that_gives_up_also_gets_the_honest_answer(
    database_url: str, tmp_path: Path
) -> None:
    async with server_at(database_url, tmp_path, "2026-11-30 02:00") as (server, _clock):
        angry = await server.visitor()
        ack = await angry.send("东西坏了还不给退，我要投诉你们")
        assert ack["status"] == "bot"
        offer = await angry.wait_for("message", lambda m: "leave_message_offer" in m["meta"])
        assert offer["text"].startswith("非常抱歉给您带来不好的体验")
        assert "客服在今天 09:00 上班" in offer["text"]

        puzzled = await server.visitor()
        await puzzled.send("你们家那个东西怎么弄")
        await puzzled.wait_for("message", lambda m: m["sender"] == "bot" and m["seq"] > 1)
        await puzzled.send("还是不明白那个咋整")
        gave_up = await puzzled.wait_for("message", lambda m: "leave_message_offer" in m["meta"])
        assert gave_up["text"].startswith("抱歉，这个问题我暂时没能帮您解答")
        await server.settle()
        for shopper in (angry, puzzled):
            stored = await conversation(server, shopper.session["conversation_id"])
            assert stored.status == "bot"

"""identify(): the shop vouches for its logged-in customer with an HMAC; a forged or missing
signature is refused and the shopper stays anonymous; an anonymous chat merges on login and
every device shows the same history."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from chatserver.db.models import Conversation, Message
from chatserver.domain.identity import sign
from tests.conftest import LiveServer, Visitor
from tests.rest import call


async def _secret(server: LiveServer) -> str:
    admin = (await server.login("admin", "admin123"))["token"]
    status, body = await call(server, "GET", "/api/shop/identity-secret", admin)
    assert status == 200, body
    return str(body["secret"])


def _identity(secret: str, customer_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": customer_id, "signature": sign(secret, customer_id), **extra}


async def _identify(visitor: Visitor, identity: dict[str, Any]) -> dict[str, Any]:
    before = len(visitor.received("session"))
    ack = await visitor.call("identify", identity)
    if ack["ok"]:
        await visitor.wait_for("session", lambda _s: len(visitor.received("session")) > before)
        visitor.session = visitor.received("session")[before]
    return dict(ack)


async def test_only_an_admin_sees_and_rotates_the_secret(server: LiveServer) -> None:
    agent = (await server.login("agent", "agent123"))["token"]
    admin = (await server.login("admin", "admin123"))["token"]
    status, refused = await call(server, "GET", "/api/shop/identity-secret", agent)
    assert status == 403 and refused["error"]["code"] == "forbidden"
    status, refused = await call(server, "POST", "/api/shop/identity-secret/rotate", agent)
    assert status == 403

    first = await _secret(server)
    assert first == await _secret(server)  # stable until rotated
    status, rotated = await call(server, "POST", "/api/shop/identity-secret/rotate", admin)
    assert status == 200 and rotated["secret"] != first and len(rotated["secret"]) == 64

    # A signature under the old secret is refused from now on.
    visitor = await server.visitor()
    ack = await _identify(visitor, _identity(first, "c-1001"))
    assert not ack["ok"] and ack["error"]["code"] == "identity_refused"


async def test_forged_or_missing_signature_is_refused_and_shopper_stays_anonymous(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    victim = await server.visitor()
    assert (await _identify(victim, _identity(secret, "vip-8", name="王女士")))["ok"]
    await victim.send("我的收货地址是上海市徐汇区某某路 1 号")

    attacker = await server.visitor()
    forged = {"id": "vip-8", "signature": sign("not-the-secret", "vip-8")}
    other_customers = {"id": "vip-8", "signature": sign(secret, "vip-9")}
    for attempt in (forged, other_customers, {"id": "vip-8"}, {"id": "vip-8", "signature": "zz"}):
        ack = await _identify(attacker, attempt)
        assert not ack["ok"] and ack["error"]["code"] == "identity_refused", ack
        assert "匿名" in ack["error"]["message"]
    assert not (await attacker.call("identify", "vip-8"))["ok"]

    # Still the anonymous shopper, in their own chat, hearing nothing of the customer's.
    ack = await attacker.send("你好")
    assert ack["ok"]
    assert ack["message"]["conversation_id"] == attacker.session["conversation_id"]
    assert attacker.session["conversation_id"] != victim.session["conversation_id"]
    await victim.send("电话 13800000000")
    await server.settle()
    assert all("13800000000" not in str(data) for _name, data in attacker.events)
    assert all("徐汇区" not in str(data) for _name, data in attacker.events)


async def test_a_second_device_resumes_the_customers_history_and_the_agent_sees_who(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    phone = await server.visitor()
    ack = await _identify(phone, _identity(secret, "c-42", name="李先生", phone="13912345678"))
    assert ack["ok"] and ack["customer_id"] == "c-42"
    await phone.send("我想问一下 XL 码还有货吗")
    await server.settle()

    laptop = await server.visitor()
    await laptop.send("这条裙子有几种颜色")  # anonymous first, then the login
    await server.settle()
    ack = await _identify(laptop, _identity(secret, "c-42"))
    assert ack["ok"]
    assert laptop.session["conversation_id"] == phone.session["conversation_id"]
    texts = [m["text"] for m in laptop.session["messages"]]
    assert "我想问一下 XL 码还有货吗" in texts and "这条裙子有几种颜色" in texts
    assert laptop.session["visitor"]["name"] == "李先生"
    assert laptop.session["visitor"]["customer_id"] == "c-42"
    seqs = [m["seq"] for m in laptop.session["messages"]]
    assert seqs == sorted(set(seqs))

    # Only one open conversation for the customer; the moved messages were kept, not copied.
    async with server.db.sessions() as session:
        open_ids = list(
            await session.scalars(
                select(Conversation.id).where(
                    Conversation.visitor_id == laptop.session["visitor"]["id"],
                    Conversation.status != "closed",
                )
            )
        )
        copies = await session.scalar(
            select(func.count()).where(Message.text == "这条裙子有几种颜色")
        )
    assert open_ids == [phone.session["conversation_id"]] and copies == 1

    # What one device sends, the other sees live; a reload with either token that identifies
    # again resumes it (docs/architecture.md: the token alone opens a fresh anonymous chat).
    await laptop.send("好的谢谢")
    await phone.wait_for("message", lambda m: m["text"] == "好的谢谢")
    again = await server.visitor(token=laptop.session["token"])
    assert (await _identify(again, _identity(secret, "c-42")))["ok"]
    assert again.session["conversation_id"] == phone.session["conversation_id"]

    # The agent who takes the chat sees the customer, not 「访客 3F2A」.
    agent = await server.agent(status="online")
    await phone.send("转人工")
    assigned = await agent.wait_for("assigned")
    visitor = assigned["conversation"]["visitor"]
    assert visitor["name"] == "李先生"
    assert visitor["customer"] == {"id": "c-42", "phone": "13912345678"}


async def test_anonymous_chat_becomes_the_customers_when_they_are_new(server: LiveServer) -> None:
    secret = await _secret(server)
    visitor = await server.visitor()
    await visitor.send("这件外套会起球吗")
    conversation_id = visitor.session["conversation_id"]
    ack = await _identify(visitor, _identity(secret, "new-7"))
    assert ack["ok"] and ack["conversation_id"] == conversation_id
    assert visitor.session["visitor"]["customer_id"] == "new-7"
    assert any(m["text"] == "这件外套会起球吗" for m in visitor.session["messages"])
    # Identifying again (every page load does) changes nothing.
    assert (await _identify(visitor, _identity(secret, "new-7")))["conversation_id"] == (
        conversation_id
    )


async def test_bad_identity_payloads_get_clear_errors(server: LiveServer) -> None:
    secret = await _secret(server)
    visitor = await server.visitor()
    cases: list[tuple[Any, str]] = [
        ({"id": "", "signature": sign(secret, "")}, "invalid_payload"),
        ({"id": "x" * 65, "signature": sign(secret, "x" * 65)}, "invalid_payload"),
        ({"id": "有中文", "signature": "0" * 64}, "invalid_payload"),
        ({**_identity(secret, "c-1"), "name": 5}, "invalid_payload"),
        ({**_identity(secret, "c-1"), "name": "长" * 65}, "invalid_payload"),
        ({**_identity(secret, "c-1"), "phone": "<script>"}, "invalid_payload"),
        (None, "invalid_payload"),
    ]
    for payload, code in cases:
        ack = (
            await visitor.call("identify", payload)
            if payload
            else await visitor.call("identify", [])
        )
        assert not ack["ok"] and ack["error"]["code"] == code, (payload, ack)


async def test_a_chat_a_person_serves_is_kept_and_the_other_device_follows_it(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    phone = await server.visitor()
    assert (await _identify(phone, _identity(secret, "c-77")))["ok"]
    await phone.send("这件大衣有黑色吗")
    await server.settle()

    agent = await server.agent(status="online")
    laptop = await server.visitor()
    await laptop.send("转人工")
    assigned = await agent.wait_for("assigned")
    served = assigned["conversation"]["id"]
    ack = await _identify(laptop, _identity(secret, "c-77"))
    assert ack["ok"] and ack["conversation_id"] == served

    # The phone's chat is closed as merged; its question now sits in the served chat.
    merged = await phone.wait_for("message", lambda m: m["meta"].get("event") == "merged")
    assert merged["meta"]["merged_into"] == served
    closed = await phone.wait_for("closed")
    assert closed["reason"] == "merged"
    texts = [m["text"] for m in laptop.session["messages"]]
    assert "这件大衣有黑色吗" in texts and "转人工" in texts
    assert agent.received("closed") == []  # the agent's chat goes on, with the moved question
    moved = await agent.wait_for("message", lambda m: m["text"] == "这件大衣有黑色吗")
    assert moved["conversation_id"] == served
    assert merged["seq"] > max(m["seq"] for m in phone.session["messages"])
    # The phone's widget reconnects (as it does on that line), identifies and lands there.
    again = await server.visitor(token=phone.session["token"])
    assert (await _identify(again, _identity(secret, "c-77")))["ok"]
    assert again.session["conversation_id"] == served
    assert again.session["status"] == "assigned"


async def test_another_customer_on_the_same_device_never_sees_the_first_ones_chat(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    shared = await server.visitor()
    assert (await _identify(shared, _identity(secret, "mum")))["ok"]
    await shared.send("我的订单地址是杭州市西湖区")
    mums_chat, mums_token = shared.session["conversation_id"], shared.session["token"]

    ack = await _identify(shared, _identity(secret, "son", name="小周"))
    assert ack["ok"] and ack["conversation_id"] != mums_chat
    assert shared.session["token"] != mums_token  # this device now opens the son's chat
    assert all("西湖区" not in m["text"] for m in shared.session["messages"])
    await shared.send("有没有篮球鞋")
    await server.settle()
    again = await server.visitor(token=shared.session["token"])
    assert (await _identify(again, _identity(secret, "son")))["ok"]
    assert again.session["conversation_id"] == ack["conversation_id"]

    # Back to the first customer: their chat again, under yet another token for this device.
    ack = await _identify(shared, _identity(secret, "mum"))
    assert ack["conversation_id"] == mums_chat
    assert any("西湖区" in m["text"] for m in shared.session["messages"])
    assert all("篮球鞋" not in m["text"] for m in shared.session["messages"])
    back = await server.visitor(token=shared.session["token"])
    assert (await _identify(back, _identity(secret, "mum")))["ok"]
    assert back.session["conversation_id"] == mums_chat


async def test_two_devices_logging_in_as_a_new_customer_at_once_share_one_chat(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    first, second = await server.visitor(), await server.visitor()
    acks = await asyncio.gather(
        _identify(first, _identity(secret, "twin")), _identify(second, _identity(secret, "twin"))
    )
    assert all(ack["ok"] for ack in acks), acks
    assert acks[0]["conversation_id"] == acks[1]["conversation_id"]
    async with server.db.sessions() as session:
        open_chats = await session.scalar(
            select(func.count()).where(
                Conversation.visitor_id == first.session["visitor"]["id"],
                Conversation.status != "closed",
            )
        )
    assert open_chats == 1 and first.session["visitor"] == second.session["visitor"]

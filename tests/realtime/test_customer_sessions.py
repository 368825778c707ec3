"""A logged-in customer's chats after identify(): a device's token alone never opens them (a
shared computer), a second device's photos and stale tabs land in the customer's current chat,
long customer ids fit, and a block survives the login."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select, update

from chatserver.db.models import Conversation, Visitor
from tests.api.test_photos import send_photo, upload
from tests.conftest import LiveServer, until_a_query_waits_for_a_lock
from tests.images import png
from tests.realtime.test_shopper_identity import _identify, _identity, _secret


async def _open_chats(server: LiveServer, visitor_id: int) -> list[int]:
    async with server.db.sessions() as session:
        return list(
            await session.scalars(
                select(Conversation.id).where(
                    Conversation.visitor_id == visitor_id, Conversation.status != "closed"
                )
            )
        )


async def test_a_devices_token_alone_opens_a_fresh_anonymous_chat_until_identify(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    shared = await server.visitor()
    assert (await _identify(shared, _identity(secret, "c-shared", name="张女士")))["ok"]
    await shared.send("我的收货地址是北京市朝阳区某某小区")
    customers_chat, token = shared.session["conversation_id"], shared.session["token"]
    await shared.disconnect()

    # The next person on this computer opens 在线客服: the stored token, no identify.
    stranger = await server.visitor(token=token)
    assert stranger.session["conversation_id"] != customers_chat
    assert stranger.session["visitor"]["customer_id"] is None
    assert stranger.session["token"] != token
    assert all("朝阳区" not in m["text"] for m in stranger.session["messages"])
    sent = await stranger.send("你好")
    assert sent["message"]["conversation_id"] == stranger.session["conversation_id"]
    await server.settle()
    assert all("朝阳区" not in str(data) for _name, data in stranger.events)

    # The customer back, logged in on this page load: their history again.
    back = await server.visitor(token=token)
    assert (await _identify(back, _identity(secret, "c-shared")))["ok"]
    assert back.session["conversation_id"] == customers_chat
    assert any("朝阳区" in m["text"] for m in back.session["messages"])


async def test_a_second_device_posts_a_photo_into_the_customers_chat(server: LiveServer) -> None:
    secret = await _secret(server)
    phone = await server.visitor()
    assert (await _identify(phone, _identity(secret, "c-photo")))["ok"]
    await phone.send("衣服收到有破损")
    laptop = await server.visitor()
    await laptop.send("我拍了照片")
    assert (await _identify(laptop, _identity(secret, "c-photo")))["ok"]
    chat = phone.session["conversation_id"]
    assert laptop.session["conversation_id"] == chat

    status, body = await upload(server, png(), visitor=laptop, content_type="image/png")
    assert status == 201, body
    posted = await send_photo(laptop, body["attachment"]["id"])
    assert posted["ok"], posted
    assert posted["message"]["conversation_id"] == chat
    seen = await phone.wait_for("message", lambda m: m["kind"] == "image")
    assert seen["id"] == posted["message"]["id"]


async def test_a_stale_tab_writing_into_the_merged_chat_reaches_the_customers_chat(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    phone = await server.visitor()
    assert (await _identify(phone, _identity(secret, "c-tabs")))["ok"]
    await phone.send("这双鞋有 42 码吗")
    customers_chat = phone.session["conversation_id"]

    tab = await server.visitor()
    other_tab = await server.visitor(token=tab.session["token"])  # same browser, not yet told
    merged_chat = tab.session["conversation_id"]
    assert other_tab.session["conversation_id"] == merged_chat
    await tab.send("顺便问下运费")
    assert (await _identify(tab, _identity(secret, "c-tabs")))["ok"]
    assert tab.session["conversation_id"] == customers_chat

    sent = await other_tab.send("还在吗")
    assert sent["ok"], sent
    assert sent["message"]["conversation_id"] == customers_chat
    await phone.wait_for("message", lambda m: m["text"] == "还在吗")
    handoff = await other_tab.call("handoff", {})
    assert handoff["ok"] and handoff["status"] == "queued", handoff

    customer_id = tab.session["visitor"]["id"]
    assert await _open_chats(server, customer_id) == [customers_chat]
    async with server.db.sessions() as session:
        merged = await session.get_one(Conversation, merged_chat)
        assert merged.status == "closed"


async def test_a_new_customer_with_a_64_character_id_and_no_name_is_opened(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    shared = await server.visitor()
    assert (await _identify(shared, _identity(secret, "first-customer")))["ok"]
    long_id = "k" * 64
    ack = await _identify(shared, _identity(secret, long_id))
    assert ack["ok"], ack
    assert shared.session["visitor"]["customer_id"] == long_id
    name = shared.session["visitor"]["name"]
    assert name.startswith("会员 kkk") and len(name) <= 64


async def test_a_blocked_shopper_stays_blocked_after_logging_in(server: LiveServer) -> None:
    secret = await _secret(server)
    elsewhere = await server.visitor()
    assert (await _identify(elsewhere, _identity(secret, "c-blocked")))["ok"]

    owner = await server.agent(status="online")
    shopper = await server.visitor()
    await shopper.send("我要转人工")
    assigned = await owner.wait_for("assigned")
    blocked = await owner.call(
        "block", {"conversation_id": assigned["conversation"]["id"], "reason": "恶意刷屏"}
    )
    assert blocked["ok"], blocked
    await shopper.wait_for("closed")

    assert (await _identify(shopper, _identity(secret, "c-blocked")))["ok"]
    sent = await shopper.send("我要转人工")
    assert sent["ok"] and sent["status"] != "queued", sent
    handoff = await shopper.call("handoff", {})
    assert handoff["ok"] and handoff["status"] != "queued", handoff
    async with server.db.sessions() as session:
        queued = await session.scalar(
            select(func.count()).where(
                Conversation.visitor_id == shopper.session["visitor"]["id"],
                Conversation.status == "queued",
            )
        )
    assert queued == 0


async def _raw_upload(server: LiveServer, credential: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/api/uploads",
            data=png(),
            headers={"Authorization": f"Visitor {credential}", "Content-Type": "image/png"},
        ) as response,
    ):
        return response.status, await response.json()


async def test_a_photo_is_uploaded_only_by_a_socket_let_in_for_the_customer(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    shared = await server.visitor()
    assert (await _identify(shared, _identity(secret, "c-upload")))["ok"]
    customers_token, ticket = shared.session["token"], shared.session["upload_token"]
    await shared.disconnect()

    # The next person on a shared computer: the stored token, no identify on this load.
    status, body = await _raw_upload(server, customers_token)
    assert (status, body["error"]["code"]) == (401, "unauthorized"), body
    assert "刷新" in body["error"]["message"]
    # A forged ticket, or one for another visitor, opens nobody either.
    visitor_id, exp, signature = ticket.removeprefix("up1.").split(".")
    for forged in (
        f"up1.{int(visitor_id) + 1}.{exp}.{signature}",
        f"up1.{visitor_id}.{int(exp) + 1}.{signature}",
        "up1.1.1.x",
    ):
        status, body = await _raw_upload(server, forged)
        assert (status, body["error"]["code"]) == (401, "unauthorized"), forged

    # The ticket of a socket let in with the identity goes into the customer's chat.
    back = await server.visitor(token=customers_token)
    assert (await _identify(back, _identity(secret, "c-upload")))["ok"]
    status, body = await upload(server, png(), visitor=back, content_type="image/png")
    assert status == 201, body
    posted = await send_photo(back, body["attachment"]["id"])
    assert posted["ok"] and posted["message"]["conversation_id"] == back.session["conversation_id"]

    # An anonymous shopper's own token still uploads (older widgets send it).
    anonymous = await server.visitor()
    status, body = await _raw_upload(server, anonymous.session["token"])
    assert status == 201, body


async def test_a_login_waits_for_routing_instead_of_deadlocking(server: LiveServer) -> None:
    """Routing holds the chat, then writes its shopper's `last_agent_id`; a login that merges
    that shopper into a known customer must wait for the chat before it locks any visitor, or
    the two deadlock on PostgreSQL."""
    if not server.db.url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's: SQLite locks the whole database")
    secret = await _secret(server)
    phone = await server.visitor()
    assert (await _identify(phone, _identity(secret, "c-routing")))["ok"]
    laptop = await server.visitor()
    assert (await laptop.send("我要转人工"))["status"] == "queued"
    chat, device = laptop.session["conversation_id"], laptop.session["visitor"]["id"]

    async with server.db.engine.connect() as routing, routing.begin():
        # Routing's order: the chat first ...
        await routing.execute(select(Conversation).where(Conversation.id == chat).with_for_update())
        login = asyncio.ensure_future(_identify(laptop, _identity(secret, "c-routing")))
        await until_a_query_waits_for_a_lock(server, held_by=routing)
        # ... then its shopper's row, while the login waits for the chat.
        await routing.execute(
            update(Visitor).where(Visitor.id == device).values(last_agent_id=None)
        )
    assert (await login)["ok"]
    customer = laptop.session["visitor"]["id"]
    assert customer == phone.session["visitor"]["id"]
    # The queued chat is the one kept (a person is already involved), now the customer's.
    assert await _open_chats(server, customer) == [chat]

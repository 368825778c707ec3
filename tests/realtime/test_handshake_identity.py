"""The identity in the /visitor handshake (`auth.identity`): a logged-in customer's widget
opens straight on their own conversation. No throwaway anonymous chat is made first (none in
the database, no webhook for one, none counted by the reports); a refused identity opens the
shopper anonymously with `session.identity` saying why; the `identify` event still works."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from chatserver.db.integrations import WebhookDelivery
from chatserver.db.models import Conversation, ConversationEvent, Shop, utcnow
from chatserver.views.reports import ReportViews
from tests.conftest import LiveServer, Visitor, running_server
from tests.realtime.test_shopper_identity import _identify, _identity, _secret
from tests.rest import call


async def _count(server: LiveServer, query: Any) -> int:
    async with server.db.sessions() as session:
        return int(await session.scalar(query) or 0)


async def test_a_logged_in_customer_opens_on_their_own_chat_without_a_throwaway_one(
    database_url: str, tmp_path: Path
) -> None:
    hooks = {"CHATSERVER_WEBHOOKS_ALLOW_PRIVATE": "1", "CHATSERVER_WEBHOOK_POLL_SECONDS": "3600"}
    async with running_server(database_url, tmp_path, **hooks) as server:
        admin = str((await server.login("admin", "admin123"))["token"])
        status, body = await call(
            server,
            "POST",
            "/api/webhooks",
            admin,
            {
                "url": "http://127.0.0.1:9/hooks",
                "events": ["conversation.created", "conversation.closed"],
            },
        )
        assert status == 200, body
        secret = await _secret(server)
        identity = _identity(secret, "c-2001", name="李先生")

        phone = await server.visitor(identity=identity)
        assert phone.session["identity"] == {"ok": True, "customer_id": "c-2001"}
        assert phone.session["visitor"]["customer_id"] == "c-2001"
        assert phone.session["visitor"]["name"] == "李先生"
        chat = phone.session["conversation_id"]
        assert (await phone.send("这件大衣有 M 码吗"))["ok"]

        # A reload on the phone (its token and the identity), a second device (identity only).
        again = await server.visitor(phone.session["token"], identity=identity)
        laptop = await server.visitor(identity=identity)
        for opened in (again, laptop):
            assert opened.session["conversation_id"] == chat
            assert any("M 码" in m["text"] for m in opened.session["messages"])
        # The identify event of an older widget on an open socket changes nothing either.
        assert (await _identify(laptop, identity))["ok"]
        assert laptop.session["conversation_id"] == chat
        await server.settle()

        async with server.db.sessions() as session:
            shop_id = await session.scalar(select(Shop.id).where(Shop.slug == "demo"))
            chats = list(await session.scalars(select(Conversation.id)))
            types = list(await session.scalars(select(WebhookDelivery.event_type)))
            closes = await session.scalar(
                select(func.count()).where(ConversationEvent.type == "closed")
            )
            closed_chats = await session.scalar(
                select(func.count())
                .select_from(Conversation)
                .where(Conversation.status == "closed")
            )
        assert chats == [chat]
        assert types == ["conversation.created"]
        assert closes == 0 and closed_chats == 0
        assert shop_id is not None
        now = utcnow()
        report = await ReportViews(server.db).report(
            shop_id,
            dimension="shop",
            start=now - timedelta(days=1),
            end=now + timedelta(days=1),
            period="all",
            zone=ZoneInfo("Asia/Shanghai"),
        )
        (row,) = report["rows"]
        assert (row["conversations"], row["bot_resolved"]) == (1, 1)


async def test_a_refused_identity_opens_the_shopper_anonymously_and_says_why(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    victim = await server.visitor(identity=_identity(secret, "vip-1"))
    await victim.send("我的地址是杭州市西湖区某某路 8 号")
    victims_token = victim.session["token"]

    forged = {"id": "vip-1", "signature": "0" * 64}
    for identity, code in (
        (forged, "identity_refused"),
        ({"id": "vip-1"}, "identity_refused"),
        ({"id": "vip 1", "signature": "0" * 64}, "invalid_payload"),
        ("vip-1", "invalid_payload"),
    ):
        # Even with the customer's own token (a shared computer): never their chat.
        stranger = await server.visitor(victims_token, identity=identity)
        answer = stranger.session["identity"]
        assert answer["ok"] is False and answer["error"]["code"] == code, answer
        assert stranger.session["visitor"]["customer_id"] is None
        assert stranger.session["conversation_id"] != victim.session["conversation_id"]
        assert stranger.session["token"] != victims_token
        assert all("西湖区" not in m["text"] for m in stranger.session["messages"])
        assert (await stranger.send("你好"))["ok"]
    forged_answer = (await server.visitor(identity=forged)).session["identity"]
    assert "匿名" in forged_answer["error"]["message"]

    # No identity at all: `session` carries no `identity` (the contract only grows).
    plain = await server.visitor()
    assert "identity" not in plain.session


async def test_another_customer_on_the_same_browser_gets_their_own_chat_and_token(
    server: LiveServer,
) -> None:
    secret = await _secret(server)
    first = await server.visitor(identity=_identity(secret, "c-a"))
    await first.send("我是 A")
    second = await server.visitor(first.session["token"], identity=_identity(secret, "c-b"))
    assert second.session["visitor"]["customer_id"] == "c-b"
    assert second.session["conversation_id"] != first.session["conversation_id"]
    assert second.session["token"] != first.session["token"]
    assert all("我是 A" not in m["text"] for m in second.session["messages"])
    # Each token, with its own identity, opens its own customer again.
    back = await server.visitor(first.session["token"], identity=_identity(secret, "c-a"))
    assert back.session["conversation_id"] == first.session["conversation_id"]
    anonymous_chats = await _count(
        server, select(func.count()).where(Conversation.status == "closed")
    )
    assert anonymous_chats == 0


async def _served_and_closed(server: LiveServer, agent: Any, tab: Visitor, text: str) -> int:
    """A chat of `tab`'s that a person served and closed."""
    assert (await tab.send(text))["ok"]
    chat = tab.session["conversation_id"]
    assert (await tab.call("handoff", {}))["ok"]
    await agent.wait_for("assigned", lambda a: a["conversation"]["id"] == chat)
    assert (await agent.call("close", {"conversation_id": chat}))["ok"]
    await tab.wait_for("closed")
    return int(chat)


async def test_two_tabs_writing_into_two_closed_chats_reopen_only_one(server: LiveServer) -> None:
    secret = await _secret(server)
    agent = await server.agent(status="online")
    first_tab = await server.visitor(identity=_identity(secret, "c-tabs2"))
    first_chat = await _served_and_closed(server, agent, first_tab, "第一次咨询")
    # Another browser's anonymous chat, served and closed, then the login: it moves over to
    # the customer as it is (both closed, nothing merged), so the customer has two closed chats.
    second_tab = await server.visitor()
    second_chat = await _served_and_closed(server, agent, second_tab, "第二次咨询")
    assert (await _identify(second_tab, _identity(secret, "c-tabs2")))["ok"]
    assert second_tab.session["conversation_id"] == second_chat != first_chat
    assert first_tab.session["conversation_id"] == first_chat

    # Both tabs write at the same moment, each into the closed chat it shows.
    sent = await asyncio.gather(first_tab.send("还在吗"), second_tab.send("有人吗"))
    assert all(ack["ok"] for ack in sent), sent
    customer = first_tab.session["visitor"]["id"]
    async with server.db.sessions() as session:
        open_chats = list(
            await session.scalars(
                select(Conversation.id).where(
                    Conversation.visitor_id == customer, Conversation.status != "closed"
                )
            )
        )
    assert len(open_chats) == 1, open_chats
    assert {ack["message"]["conversation_id"] for ack in sent} == set(open_chats)


async def test_a_shopper_whose_visitor_id_is_past_32_bits_can_still_write(
    server: LiveServer,
) -> None:
    # Ids are 64-bit; the per-shopper write lock must take any of them (PostgreSQL's two-key
    # advisory lock only takes 32-bit integers).
    from chatserver.actions.messages import ChatMessages
    from chatserver.actions.visitor_session import VisitorContext
    from chatserver.commands.chat import VisitorMessage
    from chatserver.db.models import Visitor as VisitorRow

    big = 2**40 + 7
    async with server.db.transaction() as tx:
        shop_id = await tx.session.scalar(select(Shop.id).where(Shop.slug == "demo"))
        assert shop_id is not None
        tx.session.add(VisitorRow(id=big, shop_id=shop_id, token_hash="big-id", name="访客 BIG"))
        await tx.session.flush()
        chat = Conversation(shop_id=shop_id, visitor_id=big, status="bot")
        tx.session.add(chat)
        await tx.session.flush()
        conversation_id = chat.id
    command = VisitorMessage.model_validate({"client_id": "big-1", "text": "在吗"})
    ack = await ChatMessages(server.db).do_post_visitor_message(
        VisitorContext(shop_id, big, conversation_id), command
    )
    assert ack["message"]["text"] == "在吗"

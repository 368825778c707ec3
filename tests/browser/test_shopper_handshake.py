"""A logged-in customer's widget opens straight on their own chat (the identity goes in the
socket handshake, no throwaway anonymous chat merged in later), and a logout() called before
the chat was opened survives a navigation: the next load forgets the customer's token and the
messages they had not sent yet."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Shopper, tid
from .conftest import ChatServer
from .shop_site import ShopSite
from .test_shopper_safety import _identity

pytestmark = pytest.mark.browser

UNSENT = "我的新手机号是 139 0000 1234"


def _rows(server: ChatServer, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(server.data_dir / "chatserver.db") as db:
        return list(db.execute(sql, args))


def test_a_logged_in_customer_opens_on_their_own_chat_without_a_throwaway_one(
    server: ChatServer, new_context, shop_site: ShopSite
) -> None:
    page = new_context().new_page()
    identity = _identity(page, server, "c-handshake")
    shop_site.open(page, server.url, [["identify", identity]])
    shopper = Shopper(page, server.url)
    shopper.open_chat()
    shopper.send("想问下大衣的尺码")
    shopper.expect_sent("想问下大衣的尺码")

    # The next page of the shop, still logged in; then a second browser of the same customer.
    shop_site.open(page, server.url, [["identify", identity]])
    again = Shopper(page, server.url)
    again.page.locator(tid("chat-launcher")).click()
    laptop = Shopper(new_context().new_page(), server.url)
    shop_site.open(laptop.page, server.url, [["identify", identity]])
    laptop.page.locator(tid("chat-launcher")).click()
    for opened in (again, laptop):
        expect(opened.messages(sender="visitor").filter(has_text="尺码")).to_have_count(
            1, timeout=TIMEOUT_MS
        )
        expect(opened.frame.locator(tid("message-list"))).not_to_contain_text("已并入")
    laptop.send("地址不变")
    laptop.expect_sent("地址不变")

    # One conversation was ever made, greeted once: no anonymous one came and went.
    assert _rows(server, "SELECT status FROM conversations") == [("bot",)]
    assert _rows(server, "SELECT count(*) FROM conversation_events WHERE type = 'closed'") == [(0,)]


def test_a_logout_before_the_chat_was_opened_survives_a_navigation(
    server: ChatServer, new_context, shop_site: ShopSite
) -> None:
    page = new_context().new_page()
    identity = _identity(page, server, "c-leaving")
    shop_site.open(page, server.url, [["identify", identity]])
    customer = Shopper(page, server.url)
    customer.open_chat()
    customer.send("你好")
    customer.expect_sent("你好")
    # The connection drops while she types: the message waits in this browser's outbox.
    server.stop()
    customer.send(UNSENT)
    pending = customer.messages(sender="visitor").filter(has_text="139 0000")
    expect(pending).to_have_count(1, timeout=TIMEOUT_MS)
    expect(pending).not_to_have_attribute("data-state", "sent")
    server.start()

    # She logs out on the next page before opening the chat; the shop navigates at once.
    shop_site.open(page, server.url, [["identify", identity]])
    shop_site.serve(server.url, [])  # the next page she reaches is one without a login
    # Waited for: a goto issued while the page's own reload is under way is cut off by it.
    with page.expect_navigation():
        page.evaluate("window.chatserver.logout(); location.reload()")
    expect(page.locator(tid("chat-launcher"))).to_be_visible(timeout=TIMEOUT_MS)

    # The next person on this browser: a fresh chat, and her unsent message never goes.
    stranger = Shopper(page, server.url)
    stranger.open_chat()
    stranger.send("请问几点发货")
    stranger.expect_sent("请问几点发货")
    expect(stranger.frame.locator(tid("message-list"))).not_to_contain_text("139 0000")
    assert _rows(server, "SELECT count(*) FROM messages WHERE text LIKE '%139 0000%'") == [(0,)]
    customer_ids = _rows(
        server,
        "SELECT v.customer_id FROM conversations c JOIN visitors v ON v.id = c.visitor_id"
        " JOIN messages m ON m.conversation_id = c.id WHERE m.text = '请问几点发货'",
    )
    assert customer_ids == [(None,)]
    # The note is gone once the chat forgot her: a later logout-free load keeps its chat.
    assert page.evaluate("localStorage.getItem('chatserver:logout:demo')") is None

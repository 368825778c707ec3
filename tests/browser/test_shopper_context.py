"""The shop's page tells the widget what the shopper looks at: product and order cards end to
end (a host page on another origin sends them, the agent sees the cards and the product in the
side panel), the pre-chat form and the proactive invitation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from chatserver.domain.identity import sign

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid
from .conftest import ChatServer, serving
from .shop_site import ShopSite
from .test_business_hours import admin_token

pytestmark = pytest.mark.browser

# A shop's page on its own origin (served by the test, not the chat server), as shops embed us.
XSS_TITLE = "羊毛大衣 <img src=x onerror=window.__xss=1>"
PRODUCT_URL = "https://shop.example.cn/item/1001.html"


def product(shop_origin: str) -> dict[str, Any]:
    return {
        "id": "SKU-1001",
        "title": XSS_TITLE,
        "price": 599,
        # The shop's own host: the chat server fetches it and shows it from our origin.
        "image": f"{shop_origin}/img/coat.jpg",
        "url": PRODUCT_URL,
    }


@pytest.fixture
def card_server(built_widget: Path, tmp_path: Path) -> Iterator[ChatServer]:
    """The server allowed to fetch card images from 127.0.0.1, where the shop site runs."""
    with serving(tmp_path, CHATSERVER_CARD_IMAGES_ALLOW_PRIVATE="1") as srv:
        yield srv


ORDER = {
    "order_no": "E20261130001",
    "status": "已发货",
    "items": [{"title": "羊毛大衣", "quantity": 1, "price": 599}],
    "amount": 599,
}


def test_product_and_order_cards_from_the_shop_page_reach_the_agent(
    card_server: ChatServer, phone, new_context, shop_site: ShopSite, screenshot_dir: Path
) -> None:
    server = card_server
    agent = Agent(new_context().new_page(), server.url)
    agent.login()

    page = phone.new_page()
    shop_site.open(page, server.url, [["setProduct", product(shop_site.origin)]])
    shopper = Shopper(page, server.url)
    shopper.open_chat()
    bar = shopper.frame.locator(tid("product-bar"))
    expect(bar.locator(tid("product-bar-card-title"))).to_have_text(XSS_TITLE)
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()

    # One tap: 咨询这件商品 sends the product as a card.
    bar.locator(tid("ask-product")).click()
    sent = shopper.messages(sender="visitor").filter(
        has=shopper.frame.locator(tid("message-product"))
    )
    expect(sent).to_have_attribute("data-state", "sent", timeout=TIMEOUT_MS)
    expect(sent.locator(tid("message-product-price"))).to_have_text("¥599.00")
    # The shop's photo, fetched and re-encoded by the chat server, replaces the placeholder.
    expect(sent.locator("img.card-image")).to_have_attribute(
        "src", re.compile(r"^/media/[0-9]+/cards/.+\.thumb\.jpg\?exp="), timeout=TIMEOUT_MS
    )
    expect(bar.locator(tid("ask-product"))).to_have_text("已发送")

    # The page sends an order (its 订单详情 button): the card follows.
    page.evaluate(f"window.chatserver.sendOrder({json.dumps(ORDER, ensure_ascii=False)})")
    order = shopper.frame.locator(tid("message-order"))
    expect(order.locator(tid("message-order-no"))).to_have_text("E20261130001", timeout=TIMEOUT_MS)
    shopper.screenshot(screenshot_dir, "context-01-phone-cards")

    card = agent.page.locator(tid("agent-message-product"))
    expect(card.locator(tid("agent-message-product-title"))).to_have_text(
        XSS_TITLE, timeout=TIMEOUT_MS
    )
    expect(card).to_have_attribute("href", PRODUCT_URL)
    expect(card).to_have_attribute("rel", "noopener noreferrer")
    expect(card.locator("img.card-image")).to_have_attribute(
        "src", re.compile(r"^/media/.+\.thumb\.jpg\?exp="), timeout=TIMEOUT_MS
    )
    assert card.locator("img.card-image").evaluate("img => img.naturalWidth") > 0
    expect(agent.page.locator(tid("agent-message-order-amount"))).to_contain_text("¥599.00")
    side = agent.page.locator(tid("shopper-context"))
    expect(side.locator(tid("viewing-product-title"))).to_have_text(XSS_TITLE)
    expect(side.locator(tid("visited-pages"))).to_contain_text("商品详情")
    expect(side.locator(tid("shopper-device"))).to_contain_text("手机 · Android · Chrome")
    expect(side).not_to_contain_text("不该被发送的搜索词")
    agent.screenshot(screenshot_dir, "context-02-desktop-agent-cards-and-product")

    # The shopper moves to another product: the side panel follows, live.
    page.evaluate("window.chatserver.setProduct({id: 'SKU-2002', title: '真丝围巾', price: 199})")
    expect(side.locator(tid("viewing-product-title"))).to_have_text("真丝围巾", timeout=TIMEOUT_MS)
    assert page.evaluate("window.__xss") is None
    assert agent.page.evaluate("window.__xss") is None


def test_required_prechat_field_is_asked_before_the_first_message(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("shop")
    setup = console.page.locator(tid("widget-setup"))
    setup.locator(tid("prechat-setting-name")).select_option("optional")
    setup.locator(tid("prechat-setting-phone")).select_option("required")
    setup.locator(tid("widget-settings-save")).click()
    expect(console.page.get_by_text("网页接入设置已保存")).to_be_visible(timeout=TIMEOUT_MS)
    setup.locator(tid("identity-secret-show")).click()
    expect(setup.locator(tid("identity-secret-value"))).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    setup.scroll_into_view_if_needed()
    console.screenshot(screenshot_dir, "context-03-desktop-admin-widget-setup")

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.page.locator(tid("chat-launcher")).click()
    form = shopper.frame.locator(tid("prechat-form"))
    expect(form).to_be_visible(timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("composer-input"))).to_have_count(0)
    form.locator(tid("prechat-phone")).fill("1380")
    form.locator(tid("prechat-submit")).click()
    expect(form.locator(tid("prechat-error-phone"))).to_have_text("请填写正确的手机号")
    shopper.screenshot(screenshot_dir, "context-04-phone-prechat")

    form.locator(tid("prechat-name")).fill("<b>陈女士</b>")
    form.locator(tid("prechat-phone")).fill("13800001111")
    form.locator(tid("prechat-submit")).click()
    expect(shopper.frame.locator(tid("composer-input"))).to_be_visible(timeout=TIMEOUT_MS)
    shopper.send("这件有 M 码吗")
    shopper.expect_sent("这件有 M 码吗")

    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper.ask_for_person()
    agent.conversation(0).click()
    expect(agent.page.locator(tid("visitor-info-name"))).to_have_text("<b>陈女士</b>")
    expect(agent.page.locator(tid("prechat-answers"))).to_contain_text("13800001111")


def test_proactive_invitation_opens_the_chat_by_itself(
    server, new_context, shop_site: ShopSite, screenshot_dir: Path
) -> None:
    page = new_context().new_page()
    settings = {
        "prechat": {"name": "off", "phone": "off", "order_no": "off"},
        "invite": {"enabled": True, "delay_seconds": 3, "text": "您好，需要帮您挑选尺码吗？"},
    }
    saved = page.request.put(
        server.url + "/api/shop/widget-settings",
        data=settings,
        headers={"Authorization": f"Bearer {admin_token(page, server)}"},
    )
    assert saved.status == 200, saved.text()

    shop_site.open(page, server.url, [])
    shopper = Shopper(page, server.url)
    # Nobody clicks: the chat opens by itself with the invitation.
    expect(shopper.frame.locator(tid("composer-input"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("chat-notice"))).to_have_text(
        "您好，需要帮您挑选尺码吗？", timeout=TIMEOUT_MS
    )
    shopper.screenshot(screenshot_dir, "context-05-desktop-invitation")


def test_a_logged_in_customer_has_the_same_history_in_a_second_browser(
    server, phone, new_context, shop_site: ShopSite
) -> None:
    page = phone.new_page()
    token = admin_token(page, server)
    secret = page.request.get(
        server.url + "/api/shop/identity-secret", headers={"Authorization": f"Bearer {token}"}
    ).json()["secret"]
    identity = {"id": "c-2046", "name": "周先生", "signature": sign(secret, "c-2046")}

    shop_site.open(page, server.url, [["identify", identity]])
    shopper = Shopper(page, server.url)
    shopper.open_chat()
    shopper.send("上次买的衬衫想换个尺码")
    shopper.expect_sent("上次买的衬衫想换个尺码")

    # The same customer on a laptop, anonymous first, then logged in by the page.
    laptop = new_context().new_page()
    shop_site.open(laptop, server.url, [["identify", identity]])
    other = Shopper(laptop, server.url)
    other.page.locator(tid("chat-launcher")).click()
    expect(
        other.messages(sender="visitor").filter(has_text="上次买的衬衫想换个尺码")
    ).to_have_count(1, timeout=TIMEOUT_MS)

    # A forged signature: refused, that browser chats on anonymously and sees nothing of it.
    forged = new_context().new_page()
    shop_site.open(forged, server.url, [["identify", {**identity, "signature": "0" * 64}]])
    stranger = Shopper(forged, server.url)
    stranger.open_chat()
    stranger.send("你好")
    stranger.expect_sent("你好")
    expect(stranger.frame.locator(tid("message-list"))).not_to_contain_text("衬衫")

    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    other.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()
    expect(agent.page.locator(tid("visitor-info-name"))).to_have_text("周先生")
    expect(agent.page.locator(tid("visitor-info-customer"))).to_contain_text("c-2046")

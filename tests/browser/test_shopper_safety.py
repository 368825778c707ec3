"""The widget on a shared computer and with a shop's slightly wrong data: a customer's chat
opens only when the page identifies them (logout() forgets them), cards with a price as text or
no items never blank the widget, and a pre-chat field the shop has just made required is asked
for and the message then goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chatserver.domain.identity import sign

from .browser_ui import TIMEOUT_MS, Shopper, tid
from .shop_site import ShopSite
from .test_business_hours import admin_token

pytestmark = pytest.mark.browser

SECRET_TEXT = "我的收货地址是北京市朝阳区望京街 9 号"


def _identity(page: Page, server: Any, customer_id: str) -> dict[str, Any]:
    token = admin_token(page, server)
    secret = page.request.get(
        server.url + "/api/shop/identity-secret", headers={"Authorization": f"Bearer {token}"}
    ).json()["secret"]
    return {"id": customer_id, "name": "张女士", "signature": sign(secret, customer_id)}


def test_the_next_person_on_a_shared_computer_never_sees_the_customers_chat(
    server, new_context, shop_site: ShopSite, screenshot_dir: Path
) -> None:
    page = new_context().new_page()
    identity = _identity(page, server, "c-shared-pc")
    shop_site.open(page, server.url, [["identify", identity]])
    customer = Shopper(page, server.url)
    customer.open_chat()
    customer.send(SECRET_TEXT)
    customer.expect_sent(SECRET_TEXT)

    # She leaves without logging out; the next person opens 在线客服 on the same browser.
    shop_site.open(page, server.url, [])
    stranger = Shopper(page, server.url)
    stranger.open_chat()
    expect(stranger.frame.locator(tid("message-list"))).not_to_contain_text("朝阳区")
    stranger.send("你们几点发货")
    stranger.expect_sent("你们几点发货")
    stranger.screenshot(screenshot_dir, "safety-01-desktop-next-person")

    # Logged in again on this page load: her chat is back; logout() leaves it at once.
    shop_site.open(page, server.url, [["identify", identity]])
    again = Shopper(page, server.url)
    again.page.locator(tid("chat-launcher")).click()
    expect(again.messages(sender="visitor").filter(has_text="朝阳区")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    page.evaluate("window.chatserver.logout()")
    expect(again.messages(sender="bot").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(again.frame.locator(tid("message-list"))).not_to_contain_text("朝阳区")
    again.send("请问有优惠券吗")
    again.expect_sent("请问有优惠券吗")
    expect(again.frame.locator(tid("message-list"))).not_to_contain_text("朝阳区")


def test_cards_with_a_price_as_text_or_no_items_never_blank_the_widget(
    server, phone, shop_site: ShopSite, screenshot_dir: Path
) -> None:
    page = phone.new_page()
    loose_product = {"id": "SKU-7", "title": "羊绒毛衣", "price": "599"}
    shop_site.open(page, server.url, [["setProduct", loose_product]])
    shopper = Shopper(page, server.url)
    shopper.open_chat()
    bar = shopper.frame.locator(tid("product-bar"))
    expect(bar.locator(tid("product-bar-card-price"))).to_have_text("¥599.00")
    bar.locator(tid("ask-product")).click()
    sent = shopper.messages(sender="visitor").filter(
        has=shopper.frame.locator(tid("message-product"))
    )
    expect(sent).to_have_attribute("data-state", "sent", timeout=TIMEOUT_MS)

    page.evaluate("window.chatserver.sendOrder({order_no: 'E20261130009', amount: '128.5'})")
    order = shopper.frame.locator(tid("message-order"))
    expect(order.locator(tid("message-order-amount"))).to_contain_text(
        "¥128.50", timeout=TIMEOUT_MS
    )
    shopper.screenshot(screenshot_dir, "safety-02-phone-loose-cards")
    # An amount that is no number is not turned into ¥0.00: the server refuses the card.
    page.evaluate("window.chatserver.sendOrder({order_no: 'E20261130010', amount: '¥59'})")
    refused = shopper.messages(sender="visitor").filter(has_text="E20261130010")
    expect(refused).to_have_attribute("data-state", "failed", timeout=TIMEOUT_MS)

    # A reload shows the same chat, still usable.
    shop_site.open(
        page, server.url, [["setProduct", {"id": "SKU-8", "title": "围巾", "price": {}}]]
    )
    shopper.open_chat()
    expect(shopper.frame.locator(tid("message-order-no"))).to_have_text("E20261130009")
    shopper.send("这两件一起买有优惠吗")
    shopper.expect_sent("这两件一起买有优惠吗")


def test_a_field_the_shop_just_made_required_is_asked_and_the_message_then_goes(
    server, phone, shop_site: ShopSite, screenshot_dir: Path
) -> None:
    page = phone.new_page()
    shop_site.open(page, server.url, [])
    shopper = Shopper(page, server.url)
    shopper.open_chat()

    settings = {
        "prechat": {"name": "off", "phone": "required", "order_no": "off"},
        "invite": {"enabled": False, "delay_seconds": 30, "text": ""},
    }
    saved = page.request.put(
        server.url + "/api/shop/widget-settings",
        data=settings,
        headers={"Authorization": f"Bearer {admin_token(page, server)}"},
    )
    assert saved.status == 200, saved.text()

    shopper.send("请问今天能发货吗")
    form = shopper.frame.locator(tid("prechat-form"))
    expect(form).to_be_visible(timeout=TIMEOUT_MS)
    waiting = shopper.messages(sender="visitor").filter(has_text="请问今天能发货吗")
    expect(waiting).not_to_have_attribute("data-state", "failed")
    expect(waiting).to_contain_text("请先填写下方信息，提交后自动发送")
    shopper.screenshot(screenshot_dir, "safety-03-phone-prechat-again")
    form.locator(tid("prechat-phone")).fill("13800002222")
    form.locator(tid("prechat-submit")).click()
    shopper.expect_sent("请问今天能发货吗")

"""The staff pages on a phone and a tablet, and the favicons of every page: an agent on a 360 px
phone or a 768 px tablet opens a chat from the list, replies, goes back and opens the side panel
without anything sticking out sideways; the admin console fits a phone; no page logs an error or
a 404 (favicon included) on load."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser

PHONE_STAFF = {"width": 360, "height": 740}
PHONE_WIDE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px window"


def assert_min_touch_height(page: Page, testid: str, minimum: int = 40) -> None:
    box = page.locator(tid(testid)).bounding_box()
    assert box is not None and box["height"] >= minimum, f"{testid}: {box}"


def routed_chat_on(viewport, server, phone, new_context) -> tuple[Agent, Shopper]:  # type: ignore[no-untyped-def]
    agent = Agent(new_context(viewport, has_touch=True).new_page(), server.url)
    agent.login()
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("请问这件大衣有现货吗")
    shopper.expect_sent("请问这件大衣有现货吗")
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    return agent, shopper


def test_agent_on_a_phone_goes_list_chat_side_panel_and_back(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = routed_chat_on(PHONE_STAFF, server, phone, new_context)
    page = agent.page
    # the list fills the phone; no chat pane beside it
    expect(page.locator(tid("chat-pane"))).to_be_hidden()
    expect(page.locator(tid("agent-status"))).to_be_visible()
    assert_min_touch_height(page, "agent-status")
    assert_min_touch_height(page, "topbar-menu-toggle")
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-360-list")

    # the menu holds 提示音, the name and 退出
    expect(page.locator(tid("logout-button"))).to_be_hidden()
    page.locator(tid("topbar-menu-toggle")).click()
    expect(page.locator(tid("logout-button"))).to_be_visible()
    expect(page.locator(tid("sound-toggle"))).to_be_visible()
    agent.screenshot(screenshot_dir, "small-agent-360-menu")
    page.locator(tid("topbar-menu-toggle")).click()
    expect(page.locator(tid("logout-button"))).to_be_hidden()

    agent.conversation(0).click()
    pane = page.locator(tid("chat-pane"))
    expect(pane).to_be_visible()
    expect(page.locator(tid("my-conversations"))).to_be_hidden()
    expect(page.locator(tid("chat-back"))).to_be_visible()
    # the reply box spans the screen
    box = agent.composer().bounding_box()
    assert box is not None and box["width"] >= 330, box
    for testid in (
        "chat-back",
        "side-toggle",
        "chat-close-button",
        "agent-send",
        "agent-photo-button",
    ):
        assert_min_touch_height(page, testid)
    agent.send("您好，有现货的，今天下单明天发货。")
    agent.expect_sent("您好，有现货的，今天下单明天发货。")
    expect(shopper.messages(sender="agent").filter(has_text="明天发货")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-360-chat")

    # the side panel as a full-screen sheet, and back to the chat
    page.locator(tid("side-toggle")).click()
    side = page.locator(tid("side-panel"))
    expect(side).to_be_visible()
    side_box = side.bounding_box()
    assert side_box is not None and side_box["width"] >= 359, side_box
    expect(page.locator(tid("visitor-info-name"))).to_be_visible()
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-360-side")
    page.locator(tid("side-close")).click()
    expect(side).to_be_hidden()
    expect(agent.composer()).to_be_visible()

    # 返回 to the list; the chat and its draft are kept
    agent.composer().fill("稍等")
    page.locator(tid("chat-back")).click()
    expect(page.locator(tid("my-conversations"))).to_be_visible()
    expect(pane).to_be_hidden()
    agent.conversation(0).click()
    expect(agent.composer()).to_have_value("稍等")

    page.set_viewport_size(PHONE_WIDE)
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-390-chat")


def test_agent_on_a_tablet_keeps_list_and_chat_with_side_panel_as_drawer(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = routed_chat_on(TABLET, server, phone, new_context)
    page = agent.page
    agent.conversation(0).click()
    # list and chat side by side; no 返回 needed
    expect(page.locator(tid("my-conversations"))).to_be_visible()
    expect(page.locator(tid("chat-pane"))).to_be_visible()
    expect(page.locator(tid("chat-back"))).to_be_hidden()
    expect(page.locator(tid("side-panel"))).to_be_hidden()
    agent.send("您好，我来为您查一下库存。")
    agent.expect_sent("您好，我来为您查一下库存。")
    expect(shopper.messages(sender="agent").filter(has_text="查一下库存")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-768-chat")

    page.locator(tid("side-toggle")).click()
    side = page.locator(tid("side-panel"))
    expect(side).to_be_visible()
    expect(page.locator(tid("phrase-list"))).to_be_visible()
    assert_no_horizontal_scroll(page)
    agent.screenshot(screenshot_dir, "small-agent-768-drawer")
    # a phrase from the drawer goes into the draft
    page.locator(tid("phrase-item")).first.click()
    expect(agent.composer()).not_to_have_value("")
    # a tap beside the drawer closes it
    page.locator(tid("side-backdrop")).click(position={"x": 20, "y": 300})
    expect(side).to_be_hidden()
    page.locator(tid("side-toggle")).click()
    page.locator(tid("side-close")).click()
    expect(side).to_be_hidden()
    expect(agent.composer()).to_be_visible()


def test_admin_console_fits_a_phone(server, new_context, screenshot_dir: Path) -> None:
    admin = AdminConsole(new_context(PHONE_STAFF, has_touch=True).new_page(), server.url)
    admin.login()
    page = admin.page
    for name in ("faq", "phrases", "shop"):
        admin.tab(name)
        assert_no_horizontal_scroll(page)
        admin.screenshot(screenshot_dir, f"small-admin-360-{name}", full_page=True)
    admin.tab("faq")
    page.locator(tid("faq-new")).click()
    expect(admin.editor()).to_be_visible()
    assert_no_horizontal_scroll(page)
    admin.screenshot(screenshot_dir, "small-admin-360-editor")


@pytest.mark.parametrize("path", ["/demo/", "/widget/chat.html?shop=demo", "/agent/", "/admin/"])
def test_every_page_loads_without_console_errors_or_a_missing_favicon(
    server, new_context, path: str
) -> None:
    page = new_context().new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle")
    icon = page.locator('link[rel="icon"]')
    expect(icon).to_have_attribute("href", "/favicon.svg")
    # the icons a browser asks for (the link, the fallback, the habitual /favicon.ico), as the
    # page fetches them, under its Content-Security-Policy
    statuses = page.evaluate(
        """Promise.all(['/favicon.svg', '/favicon.png', '/favicon.ico'].map(async (u) => {
             const r = await fetch(u);
             return [u, r.status, r.headers.get('content-type')];
           }))"""
    )
    assert statuses == [
        ["/favicon.svg", 200, "image/svg+xml"],
        ["/favicon.png", 200, "image/png"],
        ["/favicon.ico", 200, "image/png"],
    ]
    assert errors == []
    assert failed == []

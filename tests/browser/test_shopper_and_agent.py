"""The shopper widget and the agent panel against the real server, in Debian's chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Agent, Shopper, tid

pytestmark = pytest.mark.browser

XSS_IMG = "<img src=x onerror=window.__xss=1>"
XSS_SCRIPT = "<script>window.__xss=2</script>"


def routed_chat(server, phone, new_context) -> tuple[Agent, Shopper]:  # type: ignore[no-untyped-def]
    """An online agent and a phone shopper who asked for a person: the chat is routed to them."""
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    return agent, shopper


def test_shopper_gets_faq_answer_then_agent_accepts_from_queue_and_history_survives_reload(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    # away: the chat waits in the queue instead of being routed automatically
    agent.set_status("away")

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.screenshot(screenshot_dir, "01-phone-demo-shop")
    shopper.open_chat()
    # the panel covers the whole phone screen, whatever the shop's CSS says about iframes
    box = shopper.page.locator(tid("chat-frame")).bounding_box()
    assert box is not None
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 360, 740)
    greeting = shopper.messages(sender="bot").first.inner_text()
    assert "您" in greeting
    shopper.screenshot(screenshot_dir, "02-phone-widget-greeting")

    shopper.send("多久发货")
    shopper.expect_sent("多久发货")
    bot = shopper.messages(sender="bot")
    expect(bot).to_have_count(2, timeout=TIMEOUT_MS)
    if bot.nth(1).get_attribute("data-kind") == "suggestions":
        # the bot was unsure and offered choices: tapping one sends it with its faq_id
        choice = bot.nth(1).locator(tid("suggestion-choice")).filter(has_text="发货").first
        choice.click()
        expect(bot).to_have_count(3, timeout=TIMEOUT_MS)
    answer = bot.last
    expect(answer).to_have_attribute("data-kind", "text")
    assert "发货" in answer.locator(tid("message-text")).inner_text()
    shopper.screenshot(screenshot_dir, "03-phone-faq-answer")

    shopper.frame.locator(tid("handoff-button")).click()
    expect(shopper.frame.locator(tid("chat-queue-banner"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("queue-position"))).to_have_text("1")
    shopper.screenshot(screenshot_dir, "04-phone-queued")

    queued = agent.page.locator(tid("queue-item"))
    expect(queued).to_have_count(1, timeout=TIMEOUT_MS)
    expect(queued.locator(tid("queue-wait"))).to_contain_text("秒")
    agent.screenshot(screenshot_dir, "05-desk-queue")
    queued.locator(tid("queue-accept")).click()
    expect(agent.page.locator(tid("chat-pane"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(agent.messages(sender="visitor").filter(has_text="多久发货")).to_have_count(1)
    expect(agent.page.locator(tid("queue-item"))).to_have_count(0)

    expect(shopper.frame.locator(tid("chat-status"))).to_contain_text("小美", timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("chat-queue-banner"))).to_have_count(0)

    agent.composer().fill("您好")
    expect(shopper.frame.locator(tid("typing-indicator"))).to_be_visible(timeout=TIMEOUT_MS)
    agent.send("您好，我是客服小美，这件大衣现货48小时内发货。")
    agent.expect_sent("我是客服小美")
    expect(shopper.messages(sender="agent").filter(has_text="我是客服小美")).to_have_count(
        1, timeout=TIMEOUT_MS
    )

    shopper.send("好的，我160cm 100斤穿什么码？")
    shopper.expect_sent("穿什么码")
    expect(agent.messages(sender="visitor").filter(has_text="穿什么码")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    # suggested answers for the shopper's question insert into the draft by click or Alt+1
    suggestion = agent.page.locator(tid("suggestion-item")).first
    expect(suggestion).to_be_visible(timeout=TIMEOUT_MS)
    suggested = suggestion.locator(".insert-text").inner_text()
    suggestion.click()
    expect(agent.composer()).to_have_value(suggested)
    agent.composer().fill("")
    agent.composer().press("Alt+1")
    expect(agent.composer()).to_have_value(suggested)
    agent.page.locator(tid("phrase-item")).first.click()
    assert "{agent}" not in agent.composer().input_value()
    agent.send("建议您选M码。")
    expect(shopper.messages(sender="agent").filter(has_text="建议您选M码")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    shopper.screenshot(screenshot_dir, "06-phone-chat-with-agent")
    agent.screenshot(screenshot_dir, "07-desk-chat")

    # with the panel closed, a reply shows as a badge on the chat button
    shopper.frame.locator(tid("chat-close")).click()
    expect(shopper.page.locator(tid("chat-frame"))).to_be_hidden()
    agent.send("请问还有其他问题吗？")
    badge = shopper.page.locator(tid("chat-launcher-badge"))
    expect(badge).to_have_text("1", timeout=TIMEOUT_MS)
    shopper.screenshot(screenshot_dir, "09-phone-unread-badge")
    shopper.page.locator(tid("chat-launcher")).click()
    expect(badge).to_be_hidden()
    expect(shopper.messages(sender="agent").filter(has_text="还有其他问题")).to_be_visible()

    before = shopper.texts()
    shopper.page.reload()
    shopper.open_chat()
    expect(shopper.messages(sender="agent").filter(has_text="建议您选M码")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    assert shopper.texts() == before
    expect(shopper.frame.locator(tid("chat-status"))).to_contain_text("小美")
    shopper.screenshot(screenshot_dir, "08-phone-after-reload")


def test_markup_typed_by_shopper_or_agent_renders_as_text(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    # the agent is online with free capacity, so the chat is routed to them
    agent, shopper = routed_chat(server, phone, new_context)

    for text in (XSS_IMG, XSS_SCRIPT):
        shopper.send(text)
        shopper.expect_sent(text)
        expect(agent.messages(sender="visitor").filter(has_text=text)).to_have_count(
            1, timeout=TIMEOUT_MS
        )
    agent.send(f"您发的是 {XSS_IMG} 和 {XSS_SCRIPT}")
    expect(shopper.messages(sender="agent").filter(has_text=XSS_SCRIPT)).to_have_count(
        1, timeout=TIMEOUT_MS
    )

    texts = shopper.texts()
    assert XSS_IMG in texts and XSS_SCRIPT in texts
    assert agent.messages().filter(has_text=XSS_IMG).count() == 2
    # no element was made from the text, and nothing ran
    assert agent.page.locator(f"{tid('chat-pane')} img").count() == 0
    assert (
        shopper.frame.locator(f"{tid('message-list')} img, {tid('message-list')} script").count()
        == 0
    )
    chat_frame = next(f for f in shopper.page.frames if "/widget/chat.html" in f.url)
    for page_or_frame in (shopper.page, chat_frame, agent.page):
        assert page_or_frame.evaluate("() => window.__xss") is None
    shopper.screenshot(screenshot_dir, "10-phone-xss-as-text")
    agent.screenshot(screenshot_dir, "11-desk-xss-as-text")


def test_agent_handles_two_shoppers_with_separate_drafts(
    server, new_context, screenshot_dir: Path
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    expect(agent.page.locator(tid("agent-status"))).to_have_value("online")

    shoppers = []
    # My chats are listed most urgent first, so each is found by its id, not its place.
    chat_ids: list[str] = []
    for i, (viewport, note) in enumerate(((None, "电脑"), ({"width": 360, "height": 740}, "手机"))):
        s = Shopper(new_context(viewport).new_page(), server.url)
        s.open_shop()
        s.open_chat()
        s.send(f"我是顾客{i + 1}，用{note}，我要转人工")
        s.ask_for_person()
        expect(agent.page.locator(tid("conversation-item"))).to_have_count(
            i + 1, timeout=TIMEOUT_MS
        )
        shoppers.append(s)
        chat_ids.append(next(c for c in agent.listed_ids() if c not in chat_ids))
    desktop_shopper, phone_shopper = shoppers
    desktop_shopper.screenshot(screenshot_dir, "20-desktop-widget")
    # on a desktop the chat is a panel at the bottom right
    box = desktop_shopper.page.locator(tid("chat-frame")).bounding_box()
    assert box is not None
    assert box["width"] == 380 and box["x"] + box["width"] == 1366 - 20

    first, second = agent.chat_item(chat_ids[0]), agent.chat_item(chat_ids[1])
    first.click()
    expect(agent.messages(sender="visitor").filter(has_text="顾客1")).to_have_count(1)
    agent.composer().fill("给顾客一的草稿")
    second.click()
    expect(agent.messages(sender="visitor").filter(has_text="顾客2")).to_have_count(1)
    expect(agent.composer()).to_have_value("")
    agent.composer().fill("给顾客二的回复")
    first.click()
    expect(agent.composer()).to_have_value("给顾客一的草稿")
    agent.composer().press("Enter")
    agent.expect_sent("给顾客一的草稿")

    # a message in the chat that is not open shows as unread
    phone_shopper.send("顾客二还在等")
    expect(second.locator(tid("conversation-unread"))).to_have_text("1", timeout=TIMEOUT_MS)
    expect(agent.page).to_have_title("(1) 客服工作台")
    agent.screenshot(screenshot_dir, "21-desk-two-chats-unread")
    second.click()
    expect(agent.composer()).to_have_value("给顾客二的回复")
    expect(second.locator(tid("conversation-unread"))).to_have_count(0)
    agent.composer().press("Enter")
    agent.expect_sent("给顾客二的回复")

    expect(
        desktop_shopper.messages(sender="agent").filter(has_text="给顾客一的草稿")
    ).to_have_count(1, timeout=TIMEOUT_MS)
    expect(phone_shopper.messages(sender="agent").filter(has_text="给顾客二的回复")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    assert desktop_shopper.messages().filter(has_text="给顾客二").count() == 0
    assert phone_shopper.messages().filter(has_text="给顾客一").count() == 0

    # closing one chat leaves the other
    agent.page.locator(tid("chat-close-button")).click()
    expect(agent.page.locator(tid("chat-ended"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(phone_shopper.frame.locator(tid("chat-status"))).to_have_attribute(
        "data-status", "closed", timeout=TIMEOUT_MS
    )
    agent.screenshot(screenshot_dir, "22-desk-closed-chat")
    # writing again reopens the conversation with the bot
    phone_shopper.send("还有一个问题：支持七天无理由退货吗")
    expect(phone_shopper.frame.locator(tid("chat-status"))).to_have_attribute(
        "data-status", "bot", timeout=TIMEOUT_MS
    )
    phone_shopper.screenshot(screenshot_dir, "23-phone-reopened-after-close")


def test_messages_typed_while_the_server_is_down_arrive_once_after_reconnect(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = routed_chat(server, phone, new_context)
    agent.conversation(0).click()
    agent.send("您好，请问有什么可以帮您？")
    expect(shopper.messages(sender="agent")).to_have_count(1, timeout=TIMEOUT_MS)

    server.stop()
    expect(shopper.frame.locator(tid("chat-offline-banner"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(agent.page.locator(tid("connection-state"))).to_have_attribute(
        "data-state", "offline", timeout=TIMEOUT_MS
    )
    shopper.send("断网时发的第一条")
    shopper.send("断网时发的第二条")
    agent.send("断网时客服写的回复")
    pending = shopper.messages(sender="visitor").filter(has_text="断网时发的")
    expect(pending).to_have_count(2)
    for i in range(2):
        expect(pending.nth(i)).to_have_attribute("data-state", "sending")
    expect(agent.messages(sender="agent").filter(has_text="断网时客服")).to_have_attribute(
        "data-state", "sending"
    )
    shopper.screenshot(screenshot_dir, "30-phone-offline-queued")
    agent.screenshot(screenshot_dir, "31-desk-offline")

    server.start()
    for text in ("断网时发的第一条", "断网时发的第二条"):
        shopper.expect_sent(text)
        expect(agent.messages(sender="visitor").filter(has_text=text)).to_have_count(
            1, timeout=TIMEOUT_MS
        )
    agent.expect_sent("断网时客服写的回复")
    expect(shopper.messages(sender="agent").filter(has_text="断网时客服写的回复")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    expect(shopper.frame.locator(tid("chat-offline-banner"))).to_have_count(0)
    texts = shopper.texts()
    assert texts.index("断网时发的第一条") < texts.index("断网时发的第二条")

    shopper.page.reload()
    shopper.open_chat()
    expect(shopper.messages(sender="agent").filter(has_text="断网时客服写的回复")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    assert shopper.texts() == texts
    shopper.screenshot(screenshot_dir, "32-phone-after-reconnect")


def test_refused_agent_token_returns_to_the_login_page(server, new_context) -> None:
    page = new_context().new_page()
    page.goto(server.url + "/agent/")
    expect(page.locator(tid("login-form"))).to_be_visible()
    page.evaluate(
        """() => localStorage.setItem('chatserver:agent:session', JSON.stringify(
            {token: 'forged-token', agent: {id: 1, username: 'agent', name: '小美', role: 'agent'}}))"""
    )
    page.reload()
    expect(page.locator(tid("login-notice"))).to_be_visible(timeout=TIMEOUT_MS)
    assert page.evaluate("() => localStorage.getItem('chatserver:agent:session')") is None

    agent = Agent(page, server.url)
    agent.page.locator(tid("login-password")).fill("wrong")
    agent.page.locator(tid("login-username")).fill("agent")
    agent.page.locator(tid("login-submit")).click()
    expect(page.locator(tid("login-error"))).to_be_visible(timeout=TIMEOUT_MS)
    agent.login()
    page.locator(tid("logout-button")).click()
    expect(page.locator(tid("login-form"))).to_be_visible(timeout=TIMEOUT_MS)


def test_widget_embedded_in_a_shop_on_another_origin(server, new_context, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    shop_dir = tmp_path / "shop"
    shop_dir.mkdir()
    (shop_dir / "index.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>* { all: unset !important; } div { display: none !important; }</style></head>"
        "<body><h1>别家店铺</h1>"
        f'<script src="{server.url}/widget/widget.js" data-shop="demo" async></script>'
        "</body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(shop_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = new_context().new_page()
        # "localhost" and "127.0.0.1" are different origins
        page.goto(f"http://localhost:{httpd.server_address[1]}/")
        shopper = Shopper(page, server.url)
        expect(page.locator(tid("chat-launcher"))).to_be_visible(timeout=TIMEOUT_MS)
        shopper.open_chat()
        shopper.send("你们支持七天无理由退货吗")
        shopper.expect_sent("你们支持七天无理由退货吗")
        expect(shopper.messages(sender="bot")).to_have_count(2, timeout=TIMEOUT_MS)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_burst_over_the_rate_limit_is_paced_not_lost(server, phone) -> None:
    page = phone.new_page()
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    shopper = Shopper(page, server.url)
    shopper.open_shop()
    shopper.open_chat()
    texts = [f"连发第{i}条" for i in range(1, 13)]
    for text in texts:
        shopper.send(text)
    for text in texts:
        shopper.expect_sent(text)
    own = [t for t in shopper.texts() if t.startswith("连发第")]
    assert own == texts
    expect(shopper.frame.locator(tid("message-retry"))).to_have_count(0)
    # the server did refuse some (8 at once, then 2 per second), and the widget resent them
    assert any("rate_limited" in f for f in frames)

"""Read state (已读) in the browser: the shopper sees 已读 once the agent has the chat open in
front of them; the agent sees 已读 / 未读 under their replies as the shopper opens the widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Agent, Shopper, tid

pytestmark = pytest.mark.browser


def test_each_side_sees_when_the_other_has_read(
    server, phone, new_context, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    # The first chat comes to the front by itself; the second waits in the list.
    first = Shopper(new_context().new_page(), server.url)
    first.open_shop()
    first.open_chat()
    first.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    first_id = agent.listed_ids()[0]
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("请问这件外套有M码吗？")
    shopper.expect_sent("有M码吗")
    shopper.ask_for_person()
    expect(agent.conversation(1)).to_be_visible(timeout=TIMEOUT_MS)
    # My chats are listed most urgent first: found by id, not by place.
    (second_id,) = set(agent.listed_ids()) - {first_id}
    second = agent.chat_item(second_id)

    own = shopper.messages(sender="visitor").last
    expect(own.locator(tid("message-read"))).to_have_text("已送达", timeout=TIMEOUT_MS)
    shopper.screenshot(screenshot_dir, "read-01-shopper-delivered")

    # The agent opens the second chat: its shopper sees 已读 under their last message.
    second.click()
    expect(own.locator(tid("message-read"))).to_have_text("已读", timeout=TIMEOUT_MS)
    shopper.screenshot(screenshot_dir, "read-02-shopper-read")

    # The shopper has the widget open: the agent's reply is read at once.
    agent.send("您好，M码有现货，您放心拍下。")
    agent.expect_sent("M码有现货")
    reply = agent.messages(sender="agent").filter(has_text="M码有现货")
    expect(reply.locator(tid("agent-message-read"))).to_have_text("已读", timeout=TIMEOUT_MS)

    # With the widget closed, the next reply stays 未读 until the shopper opens it again.
    shopper.frame.locator(tid("chat-close")).click()
    expect(shopper.page.locator(tid("chat-frame"))).to_be_hidden(timeout=TIMEOUT_MS)
    agent.send("今天下单今天发货哦。")
    agent.expect_sent("今天发货")
    later = agent.messages(sender="agent").filter(has_text="今天发货")
    expect(later.locator(tid("agent-message-read"))).to_have_text("未读")
    expect(shopper.page.locator(tid("chat-launcher-badge"))).to_have_text("1", timeout=TIMEOUT_MS)
    expect(later.locator(tid("agent-message-read"))).to_have_text("未读")
    agent.screenshot(screenshot_dir, "read-03-agent-unread")
    shopper.page.locator(tid("chat-launcher")).click()
    expect(later.locator(tid("agent-message-read"))).to_have_text("已读", timeout=TIMEOUT_MS)
    agent.screenshot(screenshot_dir, "read-04-agent-read")

    # A reload starts with the marks: nothing flips back to 已送达 or 未读.
    shopper.page.reload()
    shopper.open_chat()
    own = shopper.messages(sender="visitor").last
    expect(own.locator(tid("message-read"))).to_have_text("已读", timeout=TIMEOUT_MS)
    agent.page.reload()
    expect(second).to_be_visible(timeout=TIMEOUT_MS)
    second.click()
    later = agent.messages(sender="agent").filter(has_text="今天发货")
    expect(later.locator(tid("agent-message-read"))).to_have_text("已读", timeout=TIMEOUT_MS)

"""The block list in the browser: an agent blocks a shopper from the chat header (reason, then
confirmation); the shopper only gets the bot's fixed reply, even for 转人工; a supervisor
unblocks in the admin console's 拒访名单, and the shopper is served again."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from chatserver.domain.blocks import BLOCKED_REPLY

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser

REASON = "多次辱骂客服 <b>恶意刷屏</b>"


def test_an_agent_blocks_a_shopper_and_a_supervisor_unblocks_them(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("你们这什么破店")
    shopper.expect_sent("你们这什么破店")
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()

    # 拉黑: the reason first (required), then a confirmation.
    agent.page.locator(tid("chat-block-button")).click()
    dialog = agent.page.locator(tid("block-dialog"))
    expect(dialog).to_be_visible()
    expect(dialog.locator(tid("block-next"))).to_be_disabled()
    dialog.locator(tid("block-reason")).fill(REASON)
    dialog.locator(tid("block-next")).click()
    expect(dialog.locator(tid("block-confirm-text"))).to_contain_text("当前会话将立即结束")
    agent.screenshot(screenshot_dir, "blocks-01-agent-confirms")
    dialog.locator(tid("block-confirm")).click()
    expect(dialog).to_have_count(0, timeout=TIMEOUT_MS)
    expect(agent.page.locator(tid("chat-ended"))).to_have_text(
        "会话已结束：该顾客已被拉黑", timeout=TIMEOUT_MS
    )

    # The shopper reads the fixed reply; asking for a person changes nothing.
    replies = shopper.messages(sender="bot").filter(has_text=BLOCKED_REPLY)
    expect(replies).to_have_count(1, timeout=TIMEOUT_MS)
    shopper.send("我要转人工")
    shopper.expect_sent("我要转人工")
    # Acknowledged as stored (the ack would have said queued): the bot's side, not the queue.
    expect(shopper.frame.locator(tid("chat-status"))).to_have_attribute("data-status", "bot")
    shopper.screenshot(screenshot_dir, "blocks-02-shopper-fixed-reply-360")

    # A supervisor sees who, why (as text) and when, and unblocks.
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("blocks")
    row = console.page.locator(tid("block-row"))
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    expect(row.locator(tid("block-row-reason"))).to_have_text(REASON)
    expect(row.locator(tid("block-row-by"))).to_have_text("小美")
    console.page.screenshot(path=str(screenshot_dir / "blocks-03-admin-list.png"))
    row.locator(tid("block-unblock")).click()
    console.page.locator(tid("confirm-ok")).click()
    expect(console.page.locator(tid("block-empty"))).to_be_visible(timeout=TIMEOUT_MS)

    # Served as usual again: 转人工 reaches the agent.
    shopper.send("对不起，刚才态度不好，我要转人工")
    shopper.expect_sent("对不起，刚才态度不好，我要转人工")
    shopper.ask_for_person()
    expect(agent.messages(sender="visitor").filter(has_text="对不起")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    expect(agent.page.locator(tid("chat-block-button"))).to_be_visible()
    agent.screenshot(screenshot_dir, "blocks-04-agent-serves-again")

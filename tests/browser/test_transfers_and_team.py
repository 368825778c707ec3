"""Transfer with a handover note, the end of a shift, and the admin console's agents & groups,
in the browser (desktop and a 360 px phone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid
from .conftest import PHONE

pytestmark = pytest.mark.browser

NOTE = "顾客要换 L 码，订单号 1234 <b>已核实</b>，请发退货地址"


def test_transfer_to_an_agent_who_sees_the_note_first(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    server.create_agent("lily", "secret123", "小丽")
    xiaomei = Agent(new_context().new_page(), server.url)
    xiaomei.login()
    # 小丽 works on a phone-sized screen, away: routing leaves the chat to 小美.
    lily = Agent(new_context(viewport=PHONE).new_page(), server.url)
    lily.login("lily", "secret123")
    lily.set_status("away")

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("衣服小了想换大一号，转人工")
    shopper.ask_for_person()
    expect(xiaomei.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    xiaomei.conversation(0).click()
    expect(xiaomei.page.locator(tid("chat-pane"))).to_contain_text("售后")

    xiaomei.page.locator(tid("chat-transfer-button")).click()
    dialog = xiaomei.page.locator(tid("transfer-dialog"))
    expect(dialog.locator('option:has-text("小丽")')).to_be_enabled(timeout=TIMEOUT_MS)
    dialog.locator(tid("transfer-target")).select_option(label="小丽（0/5）")
    expect(dialog.locator(tid("transfer-confirm"))).to_be_disabled()  # the note is required
    dialog.locator(tid("transfer-note")).fill(NOTE)
    xiaomei.screenshot(screenshot_dir, "transfer-01-dialog")
    dialog.locator(tid("transfer-confirm")).click()
    expect(dialog).to_have_count(0, timeout=TIMEOUT_MS)
    expect(xiaomei.page.locator(tid("chat-ended"))).to_be_visible(timeout=TIMEOUT_MS)

    # 小丽 gets the chat; the note is pinned above the messages, as text.
    expect(lily.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    lily.conversation(0).click()
    card = lily.page.locator(tid("handover-card"))
    expect(card.locator(tid("handover-note"))).to_have_text(NOTE)
    expect(card).to_contain_text("来自 小美")
    card_box = card.bounding_box()
    first_message = lily.messages().first.bounding_box()
    assert card_box and first_message and card_box["y"] < first_message["y"]
    assert lily.page.evaluate("document.querySelectorAll('.handover-note b').length") == 0
    lily.screenshot(screenshot_dir, "transfer-02-receiver-phone-note-first")

    # The shopper read a polite line and the new agent, never a gap, and never the note.
    expect(shopper.frame.locator("body")).to_contain_text(
        "正在为您转接客服 小丽", timeout=TIMEOUT_MS
    )
    expect(shopper.frame.locator("body")).to_contain_text("客服 小丽 已为您接入")
    expect(shopper.frame.locator("body")).not_to_contain_text("1234")
    shopper.screenshot(screenshot_dir, "transfer-03-shopper-phone")

    # 小丽 ends her shift: the chat goes back with her note, the summary waits for 小美.
    conversation_id = int(lily.page.locator(tid("chat-pane")).get_attribute("data-conversation-id"))
    lily.page.locator(tid("chat-back")).click()
    lily.end_shift(
        "急：1234 号订单的顾客等退货地址，请尽快联系", {conversation_id: "退货地址还没发"}
    )
    expect(
        xiaomei.page.locator(tid("handover-note")).filter(has_text="退货地址还没发")
    ).to_be_visible(timeout=TIMEOUT_MS)
    xiaomei.page.reload()
    summary = xiaomei.page.locator(tid("shift-summary"))
    expect(summary.locator(tid("shift-summary-text"))).to_have_text(
        "急：1234 号订单的顾客等退货地址，请尽快联系", timeout=TIMEOUT_MS
    )
    xiaomei.screenshot(screenshot_dir, "transfer-04-next-shift-summary")
    summary.locator(tid("shift-summary-dismiss")).click()
    expect(summary).to_have_count(0)
    xiaomei.page.reload()
    expect(xiaomei.page.locator(tid("connection-state"))).to_have_attribute(
        "data-state", "online", timeout=TIMEOUT_MS
    )
    expect(xiaomei.page.locator(tid("shift-summary"))).to_have_count(0)


def test_admin_creates_an_agent_in_a_group_who_can_then_log_in(
    server, new_context, screenshot_dir: Path
) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("team")
    expect(console.page.locator(tid("agent-row"))).to_have_count(2, timeout=TIMEOUT_MS)
    console.page.locator(tid("agent-new")).click()
    editor = console.page.locator(tid("agent-editor"))
    editor.locator(tid("agent-name-input")).fill("小后")
    editor.locator(tid("agent-username-input")).fill("houhou")
    editor.locator(tid("agent-password-input")).fill("123")
    editor.locator('input[data-group-name="售前"]').uncheck()
    editor.locator(tid("agent-save")).click()
    # The server's rule, next to the field.
    expect(editor.locator(f'{tid("field-error")}[data-field="password"]')).to_contain_text("密码")
    editor.locator(tid("agent-password-input")).fill("houhou-123")
    editor.locator(tid("agent-save")).click()
    expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
    row = console.page.locator(f'{tid("agent-row")}[data-username="houhou"]')
    expect(row.locator(tid("agent-row-groups"))).to_have_text("售后")
    console.screenshot(screenshot_dir, "team-01-admin-desktop", full_page=True)

    agent = Agent(new_context().new_page(), server.url)
    agent.login("houhou", "houhou-123")
    expect(agent.page.locator(tid("agent-name"))).to_have_text("小后")

    # A supervisor reads the page on a phone, without edit buttons.
    server.cli("create-agent", "--username", "boss", "--password", "boss-123", "--name", "主管",
               "--role", "supervisor", "--shop", "demo")  # fmt: skip
    narrow = AdminConsole(new_context(viewport=PHONE).new_page(), server.url)
    narrow.login("boss", "boss-123")
    narrow.tab("team")
    expect(narrow.page.locator(tid("agent-row"))).to_have_count(4, timeout=TIMEOUT_MS)
    expect(narrow.page.locator(tid("agent-new"))).to_have_count(0)
    expect(narrow.page.locator(tid("agent-edit"))).to_have_count(0)
    narrow.screenshot(screenshot_dir, "team-02-supervisor-phone", full_page=True)

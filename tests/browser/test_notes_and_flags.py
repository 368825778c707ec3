"""Private notes and coloured flags in the agent panel: written by one agent, seen by the next
(handover) and live, filtered by flag, and never shown in the shopper's widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Agent, Shopper, tid

pytestmark = pytest.mark.browser

NOTE = "此单改走顺丰，差价已收 A7 <img src=x onerror=window.__xss=1>"
LATER_NOTE = "已联系仓库 B2 组，今天下午发出"


def flag_option(agent: Agent, flag: str):  # type: ignore[no-untyped-def]
    return agent.page.locator(f'{tid("flag-option")}[data-flag="{flag}"]')


def filter_option(agent: Agent, flag: str):  # type: ignore[no-untyped-def]
    return agent.page.locator(f'{tid("flag-filter-option")}[data-flag="{flag}"]')


def test_notes_and_flags_reach_the_next_agent_and_never_the_shopper(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    server.create_agent("xiaowang", "secret123", "小王")
    first = Agent(new_context().new_page(), server.url)
    first.login()
    second = Agent(new_context().new_page(), server.url)
    second.login("xiaowang", "secret123")
    # away: the chat is routed to the first agent, and later waits for the second to accept it
    second.set_status("away")

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("我想改发顺丰")
    shopper.expect_sent("我想改发顺丰")
    shopper.ask_for_person()
    expect(first.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    first.conversation(0).click()

    # A private note, clearly marked as internal, with its author; markup shows as text.
    notes = first.page.locator(tid("notes"))
    expect(notes.locator(tid("notes-internal"))).to_have_text("仅内部可见")
    notes.locator(tid("note-input")).fill(NOTE)
    notes.locator(tid("note-add")).click()
    written = notes.locator(tid("note-item"))
    expect(written).to_have_count(1, timeout=TIMEOUT_MS)
    expect(written.locator(tid("note-text"))).to_have_text(NOTE)
    expect(written.locator(tid("note-author"))).to_have_text("小美")
    expect(notes.locator(tid("note-input"))).to_have_value("")

    # A flag from the header: the meanings are the tooltips; the list shows the mark.
    yellow = flag_option(first, "yellow")
    assert yellow.get_attribute("title") == "黄 特殊配送"
    assert flag_option(first, "blue").get_attribute("title") == "蓝 赠品或退款"
    yellow.click()
    expect(first.page.locator(tid("flag-picker"))).to_have_attribute("data-flag", "yellow")
    expect(first.page.locator(tid("chat-flag-label"))).to_have_text("黄 特殊配送")
    expect(first.conversation(0).locator(tid("conversation-flag"))).to_have_attribute(
        "data-flag", "yellow"
    )
    first.screenshot(screenshot_dir, "notes-01-first-agent-note-and-flag")

    # Handover: the first agent goes off shift (交接); the chat waits with its flag in the queue.
    conversation_id = int(
        first.page.locator(tid("chat-pane")).get_attribute("data-conversation-id")
    )
    first.end_shift("顺丰改单待仓库确认", {conversation_id: "已收差价，待仓库改发顺丰"})
    queued = second.page.locator(tid("queue-item"))
    expect(queued).to_have_count(1, timeout=TIMEOUT_MS)
    expect(queued.locator(tid("queue-flag"))).to_have_attribute("data-flag", "yellow")
    second.screenshot(screenshot_dir, "notes-02-second-agent-queue-with-flag")
    queued.locator(tid("queue-accept")).click()
    expect(second.page.locator(tid("chat-pane"))).to_be_visible(timeout=TIMEOUT_MS)
    second_notes = second.page.locator(f"{tid('notes')} {tid('note-item')}")
    # The note, then the end-of-shift handover note (also pinned above the chat).
    expect(second_notes).to_have_count(2, timeout=TIMEOUT_MS)
    expect(second_notes.nth(0).locator(tid("note-text"))).to_have_text(NOTE)
    expect(second_notes.nth(0).locator(tid("note-author"))).to_have_text("小美")
    expect(second.page.locator(tid("handover-note"))).to_have_text("已收差价，待仓库改发顺丰")
    expect(second.page.locator(tid("flag-picker"))).to_have_attribute("data-flag", "yellow")

    # Live: the first agent, still on the handed-over chat, adds a note and changes the flag.
    first.page.locator(tid("note-input")).fill(LATER_NOTE)
    first.page.locator(tid("note-input")).press("Enter")
    expect(first.page.locator(tid("note-item"))).to_have_count(3, timeout=TIMEOUT_MS)
    flag_option(first, "red").click()
    expect(second_notes).to_have_count(3, timeout=TIMEOUT_MS)
    expect(second_notes.nth(2).locator(tid("note-text"))).to_have_text(LATER_NOTE)  # newest last
    expect(second.page.locator(tid("flag-picker"))).to_have_attribute(
        "data-flag", "red", timeout=TIMEOUT_MS
    )
    mine = second.conversation(0)
    expect(mine.locator(tid("conversation-flag"))).to_have_attribute("data-flag", "red")

    # The list filtered by flag.
    filter_option(second, "yellow").click()
    expect(second.page.locator(tid("conversation-item"))).to_have_count(0)
    expect(second.page.locator(tid("conversations-empty"))).to_contain_text("黄 特殊配送")
    filter_option(second, "red").click()
    expect(second.page.locator(tid("conversation-item"))).to_have_count(1)
    second.screenshot(screenshot_dir, "notes-03-second-agent-filtered-by-red")
    filter_option(second, "all").click()
    expect(second.page.locator(tid("conversation-item"))).to_have_count(1)

    # Cleared by the second agent: gone for both.
    second.page.locator(tid("flag-clear")).click()
    expect(second.page.locator(tid("flag-picker"))).to_have_attribute("data-flag", "")
    expect(first.page.locator(tid("flag-picker"))).to_have_attribute(
        "data-flag", "", timeout=TIMEOUT_MS
    )
    expect(mine.locator(tid("conversation-flag"))).to_have_count(0)

    # The shopper's widget shows neither, also after a reload, and nothing typed ran.
    second.send("您好，我是小王，已为您改发顺丰。")
    expect(shopper.messages(sender="agent").filter(has_text="改发顺丰")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    shopper.page.reload()
    shopper.open_chat()
    expect(shopper.messages(sender="agent").filter(has_text="改发顺丰")).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    widget = shopper.frame.locator("body")
    for text in ("差价已收 A7", LATER_NOTE, "仅内部可见", "特殊配送", "内部备注"):
        expect(widget).not_to_contain_text(text)
    expect(shopper.frame.locator("[data-flag]")).to_have_count(0)
    shopper.screenshot(screenshot_dir, "notes-04-phone-shopper-sees-no-notes")
    second.screenshot(screenshot_dir, "notes-05-second-agent-after-clear")
    for page in (first.page, second.page):
        assert page.evaluate("() => window.__xss") is None

"""The supervisors' live view (实时监控) in the browser: a queued chat appears live, the
supervisor reassigns it, the agent gets it, and the audit list shows who did it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser


def test_supervisor_sees_a_queued_chat_reassigns_it_and_the_audit_shows_it(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    server.create_agent("lily", "secret123", "小丽")
    # 小丽 is away: routing leaves the chat in the queue, a supervisor may still give it to her.
    lily = Agent(new_context().new_page(), server.url)
    lily.login("lily", "secret123")
    lily.set_status("away")

    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("live")
    page = console.page
    expect(page.locator(tid("live-connection"))).to_have_attribute(
        "data-online", "true", timeout=TIMEOUT_MS
    )
    expect(page.locator(tid("live-no-chats"))).to_be_visible()

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("<b>在吗</b> 我要转人工")
    shopper.ask_for_person()

    # It arrives over the socket: no reload, no polling.
    row = page.locator(f'{tid("live-chats")} tr[data-status="queued"]')
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    expect(row.locator(tid("live-chat-agent"))).to_have_text("待分配")
    clock = row.locator(tid("live-sla-clock")).first
    expect(clock).to_contain_text("首次响应")
    # The clock ticks in the page, from its start time, with nothing more from the server.
    expect(clock).not_to_have_text(clock.inner_text(), timeout=TIMEOUT_MS)
    queue_counts = page.locator(tid("live-queue-count")).all_inner_texts()
    assert sum(int(text.split()[0]) for text in queue_counts) == 1
    lily_id = int(
        page.locator(f"{tid('live-agents')} tr", has_text="小丽")
        .get_attribute("data-testid")
        .removeprefix("live-agent-")
    )
    conversation_id = int(row.get_attribute("data-testid").removeprefix("live-chat-"))
    console.screenshot(screenshot_dir, "live-01-queued", full_page=True)

    page.locator(tid(f"live-reassign-select-{conversation_id}")).select_option(str(lily_id))
    expect(page.locator(tid("admin-toast"))).to_contain_text("已将会话", timeout=TIMEOUT_MS)
    assigned = page.locator(tid(f"live-chat-{conversation_id}"))
    expect(assigned).to_have_attribute("data-status", "assigned", timeout=TIMEOUT_MS)
    expect(assigned.locator(tid("live-chat-agent"))).to_have_text("小丽")
    expect(page.locator(tid(f"live-agent-{lily_id}")).locator(tid("live-agent-load"))).to_have_text(
        "1/5"
    )
    audit = page.locator(tid("live-audit-item")).first
    expect(audit).to_have_attribute("data-action", "reassign", timeout=TIMEOUT_MS)
    expect(audit).to_contain_text("店长")
    expect(audit).to_contain_text(f"会话 #{conversation_id}")
    expect(audit).to_contain_text("给 小丽")

    # The agent has it, with the supervisor's note; the shopper read a polite line.
    expect(lily.chat_item(conversation_id)).to_be_visible(timeout=TIMEOUT_MS)
    expect(shopper.frame.locator("body")).to_contain_text(
        "客服 小丽 已为您接入", timeout=TIMEOUT_MS
    )

    # Join silently: the shopper's next line shows in the read-only panel, as text.
    page.locator(tid(f"live-watch-{conversation_id}")).click()
    panel = page.locator(tid("live-watch-panel"))
    expect(panel).to_contain_text("<b>在吗</b> 我要转人工", timeout=TIMEOUT_MS)
    shopper.send("请问今天能发货吗")
    expect(panel).to_contain_text("请问今天能发货吗", timeout=TIMEOUT_MS)
    assert page.evaluate("document.querySelectorAll('.live-transcript b').length") == 0
    console.screenshot(screenshot_dir, "live-02-reassigned-watching", full_page=True)
    expect(shopper.frame.locator("body")).not_to_contain_text("店长")

    page.locator(tid("live-unwatch")).click()
    expect(panel).to_have_count(0)
    expect(page.locator(tid("live-audit-item")).first).to_have_attribute(
        "data-action", "unwatch", timeout=TIMEOUT_MS
    )

    # The audit survives a reload (it is stored, not only pushed).
    page.reload()
    console.tab("live")
    actions = page.locator(tid("live-audit-item"))
    expect(actions).to_have_count(3, timeout=TIMEOUT_MS)
    assert [actions.nth(i).get_attribute("data-action") for i in range(3)] == [
        "unwatch",
        "watch",
        "reassign",
    ]


def test_a_watch_goes_on_after_the_server_restarts(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("live")
    page = console.page
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("我要转人工")
    shopper.ask_for_person()
    row = page.locator(f'{tid("live-chats")} tr[data-status="queued"]')
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    conversation_id = int(row.get_attribute("data-testid").removeprefix("live-chat-"))
    page.locator(tid(f"live-watch-{conversation_id}")).click()
    panel = page.locator(tid("live-watch-panel"))
    expect(panel).to_contain_text("我要转人工", timeout=TIMEOUT_MS)

    # The restart ends the old socket's watch; the page watches again on the new one, audited.
    server.restart()
    watches = page.locator(f'{tid("live-audit-item")}[data-action="watch"]')
    expect(watches).to_have_count(2, timeout=TIMEOUT_MS)
    expect(page.locator(tid("live-connection"))).to_have_attribute("data-online", "true")
    expect(panel).to_be_visible()

    shopper.send("重启之后还在吗")
    expect(panel).to_contain_text("重启之后还在吗", timeout=TIMEOUT_MS)
    # Each line once: the history merged by id, not appended.
    lines = panel.locator(tid("live-watch-messages")).locator("li")
    texts = lines.all_inner_texts()
    assert len(texts) == len(set(texts)), texts
    console.screenshot(screenshot_dir, "live-03-watch-after-restart", full_page=True)

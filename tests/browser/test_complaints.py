"""Complaints in the browser: a shopper's 「我要投诉…」 opens a record by itself; the agent fills
it in and escalates it one level from the chat's side panel (a staff-only line in the chat, a
badge in the list); a supervisor is alerted live, sees it in 投诉管理 and escalates it further;
the shopper never sees any of it. Screenshots on a desktop and a 360 px phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser

WORDS = "我要投诉，刚收到的外套袖口开线了 <b>退款</b>"
PHONE_STAFF = {"width": 360, "height": 740}


def test_a_complaint_is_recorded_escalated_and_listed_for_supervisors(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send(WORDS)
    shopper.expect_sent(WORDS)
    expect(shopper.frame.locator(tid("chat-status"))).to_have_attribute(
        "data-status", "queued", timeout=TIMEOUT_MS
    )

    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()
    page = agent.page
    # The record was opened by the shopper's words, shown as text; the chat has a staff line.
    item = page.locator(tid("complaint-item"))
    expect(item).to_have_count(1, timeout=TIMEOUT_MS)
    expect(item.locator(tid("complaint-matter-text"))).to_have_text(WORDS)
    expect(item.locator(tid("complaint-level"))).to_have_text("客服")
    expect(page.locator(tid("complaint-line"))).to_contain_text("已自动登记投诉记录")
    expect(agent.conversation(0).locator(tid("conversation-complaint"))).to_have_text("投诉")

    # Fill in what the shopper wants and what was done, then escalate one level.
    item.locator(tid("complaint-edit")).click()
    form = page.locator(tid("complaint-edit-form"))
    form.locator(tid("complaint-demand-kind")).select_option("refund")
    form.locator(tid("complaint-handling")).fill("已致歉，请顾客拍照，核实为质量问题")
    form.locator(tid("complaint-save")).click()
    expect(form).to_have_count(0, timeout=TIMEOUT_MS)
    expect(item).to_contain_text("退款")

    supervisor = Agent(new_context().new_page(), server.url)
    supervisor.login("admin", "admin123")
    item.locator(tid("complaint-escalate")).click()
    escalate = page.locator(tid("complaint-escalate-form"))
    # An agent goes one level up, no further.
    expect(escalate.locator(f"{tid('complaint-escalate-level')} option")).to_have_count(1)
    escalate.locator(tid("complaint-escalate-reason")).fill("顾客要求赔偿运费，超出客服权限")
    escalate.locator(tid("complaint-escalate-confirm")).click()
    expect(item.locator(tid("complaint-level"))).to_have_text("组长", timeout=TIMEOUT_MS)
    expect(agent.conversation(0).locator(tid("conversation-complaint"))).to_have_text("投诉·组长")
    expect(page.locator(tid("complaint-line")).last).to_contain_text("小美 将投诉升级至组长")
    agent.screenshot(screenshot_dir, "complaints-01-agent-escalated")

    # The supervisor's panel is alerted at once.
    expect(supervisor.page.locator(tid("desk-toast"))).to_contain_text(
        "投诉升级至组长", timeout=TIMEOUT_MS
    )
    supervisor.screenshot(screenshot_dir, "complaints-02-supervisor-alert")

    # 投诉管理: the open list with level, agent and age; the supervisor escalates further.
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("complaints")
    row = console.page.locator(tid("complaint-row"))
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)
    expect(row.locator(tid("complaint-row-level"))).to_have_text("组长")
    expect(row.locator(tid("complaint-row-agent"))).to_have_text("小美")
    expect(row.locator(tid("complaint-row-matter"))).to_have_text(WORDS)
    expect(row.locator(tid("complaint-row-age"))).to_contain_text("秒")
    row.locator(tid("complaint-row-escalate")).click()
    dialog = console.page.locator(tid("confirm-dialog"))
    dialog.locator(tid("complaint-action-level")).select_option("3")
    dialog.locator(tid("complaint-action-text")).fill("金额较大，请店长审批")
    dialog.locator(tid("confirm-ok")).click()
    expect(row.locator(tid("complaint-row-level"))).to_have_text("店长", timeout=TIMEOUT_MS)
    console.screenshot(screenshot_dir, "complaints-03-admin-open-list")
    # Filtering by another level hides it; by its level shows it.
    console.page.locator(tid("complaint-filter-level")).select_option("1")
    expect(console.page.locator(tid("complaint-empty"))).to_be_visible(timeout=TIMEOUT_MS)
    console.page.locator(tid("complaint-filter-level")).select_option("3")
    expect(row).to_have_count(1, timeout=TIMEOUT_MS)

    # The agent's card follows live; the agent may no longer settle it alone.
    expect(item.locator(tid("complaint-level"))).to_have_text("店长", timeout=TIMEOUT_MS)
    expect(item.locator(tid("complaint-settle"))).to_have_count(0)

    # The shopper's widget never shows any of it.
    shopper.send("有人在吗")
    shopper.expect_sent("有人在吗")
    seen = " ".join(shopper.texts())
    for staff_word in ("组长", "店长", "升级", "已自动登记", "已致歉"):
        assert staff_word not in seen
    shopper.screenshot(screenshot_dir, "complaints-04-shopper-360")

    # On a phone (the same pages, narrowed): the supervisor's list and the agent's card.
    console.page.set_viewport_size(PHONE_STAFF)
    expect(row.locator(tid("complaint-row-level"))).to_be_visible()
    console.screenshot(screenshot_dir, "complaints-05-admin-list-360", full_page=True)
    page.set_viewport_size(PHONE_STAFF)
    page.locator(tid("side-toggle")).click()
    card = page.locator(tid("complaints"))
    card.scroll_into_view_if_needed()
    expect(card.locator(tid("complaint-level"))).to_have_text("店长")
    agent.screenshot(screenshot_dir, "complaints-06-agent-card-360")

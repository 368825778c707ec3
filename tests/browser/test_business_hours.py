"""Business hours and 留言 in Debian's chromium: a shopper on a phone outside hours is told when
people are back and leaves a message; the admin edits the hours in the console."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Shopper, tid

pytestmark = pytest.mark.browser

DEFAULT_SHIFTS = {
    d: [{"start": "09:00", "end": "18:00"}, {"start": "18:00", "end": "23:00"}]
    for d in "mon tue wed thu fri sat sun".split()
}


def admin_token(page, server) -> str:  # type: ignore[no-untyped-def]
    login = page.request.post(
        server.url + "/api/auth/login", data={"username": "admin", "password": "admin123"}
    )
    return str(login.json()["token"])


def test_a_shopper_on_a_phone_leaves_a_message_outside_hours(
    server, phone, screenshot_dir: Path
) -> None:
    page = phone.new_page()
    # Today (in Shanghai) is a holiday: whatever the hour, people are back tomorrow at 09:00.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    saved = page.request.put(
        server.url + "/api/business-hours",
        data={"weekly": DEFAULT_SHIFTS, "holidays": [today]},
        headers={"Authorization": f"Bearer {admin_token(page, server)}"},
    )
    assert saved.status == 200, saved.text()

    shopper = Shopper(page, server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.frame.locator(tid("handoff-button")).click()
    offer = shopper.messages(sender="bot").filter(has_text="上班")
    expect(offer).to_contain_text("客服在明天 09:00 上班", timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("chat-status"))).to_have_attribute("data-status", "bot")

    shopper.frame.locator(tid("leave-message-open")).click()
    form = shopper.frame.locator(tid("leave-message-form"))
    expect(form).to_be_visible()
    form.locator(tid("leave-message-submit")).click()
    expect(form.locator(tid("leave-error-text"))).to_have_text("请填写留言内容")

    text = "<b>裤子</b>尺码不合适，想换大一号"
    form.locator(tid("leave-message-text")).fill(text)
    form.locator(tid("leave-message-phone")).fill("1380")
    form.locator(tid("leave-message-submit")).click()
    expect(form.locator(tid("leave-error-phone"))).to_contain_text("手机号", timeout=TIMEOUT_MS)
    form.locator(tid("leave-message-phone")).fill("138 0013 8000")
    form.locator(tid("leave-message-order")).fill("TB20261130001")
    shopper.screenshot(screenshot_dir, "hours-01-leave-message-form-phone")
    form.locator(tid("leave-message-submit")).click()

    # Shown as sent, typed text as text, with the shop's confirmation and an honest banner.
    mine = shopper.messages(sender="visitor")
    expect(mine).to_have_count(1, timeout=TIMEOUT_MS)
    expect(mine.first).to_contain_text(text)
    expect(mine.first).to_contain_text("联系电话：13800138000")
    expect(mine.first).to_contain_text("订单号：TB20261130001")
    assert mine.first.locator("b").count() == 0
    expect(form).to_have_count(0)
    expect(shopper.frame.locator(tid("leave-message-open"))).to_have_count(0)
    received = shopper.frame.locator(tid("message")).filter(has_text="留言已收到")
    expect(received).to_contain_text("明天 09:00", timeout=TIMEOUT_MS)
    banner = shopper.frame.locator(tid("chat-queue-banner"))
    expect(banner.locator(tid("queue-nobody"))).to_have_text(
        "暂无客服在线，客服上线后会第一时间回复您", timeout=TIMEOUT_MS
    )
    expect(banner).not_to_contain_text("预计等待")
    expect(shopper.frame.locator(tid("chat-status"))).to_have_text("留言已提交，客服会尽快回复您")
    # Nothing spills sideways on a 360 px screen.
    width = shopper.frame.locator("body").evaluate("b => b.scrollWidth")
    assert width <= 360
    shopper.screenshot(screenshot_dir, "hours-02-leave-message-sent-phone")


def test_the_admin_edits_hours_and_a_supervisor_only_reads_them(
    server, new_context, screenshot_dir: Path
) -> None:
    page = new_context().new_page()
    admin = AdminConsole(page, server.url)
    admin.login()
    admin.tab("hours")
    monday = page.locator(tid("hours-mon"))
    expect(monday.locator(tid("hours-mon-start"))).to_have_value("00:00", timeout=TIMEOUT_MS)
    expect(page.locator(tid("hours-now"))).to_have_attribute("data-open", "true")

    # Monday 09:00–12:00 and 11:00–18:00 overlap: the server says so beside Monday.
    monday.locator(tid("hours-mon-start")).fill("09:00")
    monday.locator(tid("hours-mon-end")).fill("12:00")
    monday.locator(tid("hours-mon-add")).click()
    monday.locator(tid("hours-mon-start")).nth(1).fill("11:00")
    monday.locator(tid("hours-mon-end")).nth(1).fill("18:00")
    page.locator(tid("hours-save")).click()
    error = monday.locator(tid("field-error"))
    expect(error).to_contain_text("重叠", timeout=TIMEOUT_MS)
    admin.screenshot(screenshot_dir, "hours-03-admin-overlap-error")

    monday.locator(tid("hours-mon-start")).nth(1).fill("13:00")
    page.locator(tid("hours-sun-remove")).click()
    expect(page.locator(tid("hours-sun"))).to_contain_text("休息")
    page.locator(tid("hours-holidays-date")).fill("2026-10-01")
    page.locator(tid("hours-holidays-add")).click()
    page.locator(tid("hours-save")).click()
    expect(page.locator(tid("admin-toast"))).to_contain_text("营业时间已保存", timeout=TIMEOUT_MS)
    expect(error).to_have_count(0)
    admin.screenshot(screenshot_dir, "hours-04-admin-saved", full_page=True)

    page.reload()
    admin.tab("hours")
    expect(monday.locator(tid("hours-mon-start")).nth(1)).to_have_value("13:00", timeout=TIMEOUT_MS)
    expect(page.locator(tid("hours-holiday"))).to_have_text(["2026-10-01删除"])
    expect(page.locator(tid("hours-sun"))).to_contain_text("休息")

    server.cli(
        "create-agent", "--username", "lead", "--password", "lead12345",
        "--name", "王主管", "--shop", "demo", "--role", "supervisor",
    )  # fmt: skip
    page.locator(tid("logout-button")).click()
    admin.login("lead", "lead12345")
    admin.tab("hours")
    expect(page.locator(tid("hours-readonly-note"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(tid("hours-save"))).to_have_count(0)
    expect(monday.locator(tid("hours-mon-start")).first).to_have_attribute("readonly", "")

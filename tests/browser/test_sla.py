"""SLA in the browser: the agent's chat list puts the most urgent chat first with its clock
coloured (a breached one red at the top, a shopper who only pressed 转人工 included), and a
queued chat nobody takes raises a banner whose alert repeats until someone accepts it. Time is
moved by setting the stored times (and the page's clock for the repeat), never by waiting."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser

RED = "rgb(200, 22, 35)"


def _shopper(new_context, url: str, text: str | None) -> Shopper:  # type: ignore[no-untyped-def]
    shopper = Shopper(new_context().new_page(), url)
    shopper.open_shop()
    shopper.open_chat()
    if text is None:
        shopper.ask_for_person()  # only the button: nothing typed
    else:
        shopper.send(text)
        shopper.expect_sent(text)
        shopper.ask_for_person()
    return shopper


def _visitor_conversations(db: Path) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM conversations ORDER BY id")]


def _asked_ago(db: Path, conversation_id: int, seconds: int) -> None:
    """The shopper asked for a person `seconds` ago, as the stored times say."""
    at = (datetime.now(UTC) - timedelta(seconds=seconds)).replace(tzinfo=None)
    stamp = at.isoformat(sep=" ")
    with sqlite3.connect(db, timeout=10) as conn:
        conn.execute(
            "UPDATE conversations SET queued_at = ?, awaiting_since = ? WHERE id = ?",
            (stamp, stamp, conversation_id),
        )


# Four shoppers and a desk, each a browser context: longer than most browser tests.
@pytest.mark.timeout(300)
def test_the_chat_list_puts_the_breached_chat_first_and_an_untaken_chat_raises_a_banner(
    server, new_context, screenshot_dir: Path
) -> None:
    db = server.data_dir / "chatserver.db"
    agent = Agent(new_context().new_page(), server.url)
    agent.page.clock.install()
    agent.login()
    _shopper(new_context, server.url, None)
    _shopper(new_context, server.url, "我要转人工，衣服尺码不对")
    _shopper(new_context, server.url, "转人工，快递三天没动了")
    expect(agent.page.locator(tid("conversation-item"))).to_have_count(3, timeout=TIMEOUT_MS)
    fresh, warned, breached = _visitor_conversations(db)

    # The one who only pressed 转人工 has a running clock too.
    first = agent.chat_item(fresh)
    expect(first.locator(tid("conversation-wait"))).to_contain_text("等待接待")

    # Nobody takes the fourth: the agent is busy (忙碌 gets no new chats).
    agent.set_status("away")
    _shopper(new_context, server.url, "我要投诉，要人工")
    expect(agent.page.locator(tid("queue-item"))).to_have_count(1, timeout=TIMEOUT_MS)
    (waiting,) = set(_visitor_conversations(db)) - {fresh, warned, breached}

    _asked_ago(db, warned, 50)
    _asked_ago(db, breached, 150)
    # A complaint goes to 售后, whose first response is due in 300 s (warning at 225 s).
    _asked_ago(db, waiting, 250)
    # The server's watch finds the clocks past their warning and tells the agent at once.
    notice = agent.page.locator(tid("sla-notice"))
    expect(notice).to_have_attribute("data-state", "warning", timeout=TIMEOUT_MS)
    expect(notice).to_contain_text(re.compile("访客 .+(请尽快接入|内回复)"))
    agent.screenshot(screenshot_dir, "sla-00-warning-notice")
    agent.page.reload()
    expect(agent.page.locator(tid("connection-state"))).to_have_attribute(
        "data-state", "online", timeout=TIMEOUT_MS
    )

    items = agent.page.locator(tid("conversation-item"))
    expect(items).to_have_count(3, timeout=TIMEOUT_MS)
    expect(items.nth(0)).to_have_attribute("data-conversation-id", str(breached))
    expect(items.nth(1)).to_have_attribute("data-conversation-id", str(warned))
    expect(items.nth(2)).to_have_attribute("data-conversation-id", str(fresh))
    top_clock = items.nth(0).locator(tid("conversation-wait"))
    expect(top_clock).to_have_attribute("data-sla-state", "breached")
    expect(top_clock).to_contain_text("已超时")
    expect(top_clock).to_have_css("color", RED)
    expect(items.nth(1).locator(tid("conversation-wait"))).to_have_attribute(
        "data-sla-state", "warning"
    )
    expect(items.nth(2).locator(tid("conversation-wait"))).to_have_attribute("data-sla-state", "ok")

    # The queue chat past its warning: a banner, the title, and the alert again and again.
    banner = agent.page.locator(tid("sla-escalation"))
    expect(banner).to_be_visible(timeout=TIMEOUT_MS)
    expect(banner).to_contain_text("1 位顾客排队无人接入")
    expect(agent.page).to_have_title("【1位顾客待接入】客服工作台", timeout=TIMEOUT_MS)
    agent.page.clock.run_for(16_000)
    expect(banner.locator(tid("sla-escalation-repeats"))).to_have_text("已提醒 2 次")
    agent.page.clock.run_for(15_000)
    expect(banner.locator(tid("sla-escalation-repeats"))).to_have_text("已提醒 3 次")
    agent.screenshot(screenshot_dir, "sla-01-urgency-and-escalation")

    # Someone acts: the banner and the title's alert go, the chat is the agent's.
    banner.locator(tid("sla-escalation-accept")).click()
    expect(banner).to_have_count(0, timeout=TIMEOUT_MS)
    expect(agent.page).to_have_title("客服工作台", timeout=TIMEOUT_MS)
    expect(agent.chat_item(waiting)).to_be_visible()
    agent.screenshot(screenshot_dir, "sla-02-accepted")


def test_an_admin_sets_the_sla_and_a_supervisor_only_reads_it(
    server, new_context, screenshot_dir: Path
) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("sla")
    page = console.page
    first = page.locator(tid("sla-shop-first_response_s"))
    expect(first).to_have_value("60", timeout=TIMEOUT_MS)
    aftersales = page.locator(tid("sla-group-row")).filter(has_text="售后")
    expect(aftersales.locator(tid("sla-group-first"))).to_have_text("5分00秒")

    first.fill("5")
    page.locator(tid("sla-shop-save")).click()
    error = page.locator(f'{tid("field-error")}[data-field="first_response_s"]')
    expect(error).to_contain_text("10 到 86400")
    first.fill("90")
    page.locator(tid("sla-shop-reassign")).check()
    page.locator(tid("sla-shop-reassign_after_s")).fill("180")
    page.locator(tid("sla-shop-save")).click()
    expect(page.locator(tid("admin-toast"))).to_contain_text("服务时效已保存", timeout=TIMEOUT_MS)
    presales = page.locator(tid("sla-group-row")).filter(has_text="售前")
    expect(presales.locator(tid("sla-group-first"))).to_have_text("1分30秒")

    aftersales.locator(tid("sla-group-edit")).click()
    form = page.locator(tid("sla-group-form"))
    form.locator(tid("sla-group-first_response_s")).fill("240")
    form.locator(tid("sla-group-save")).click()
    expect(aftersales.locator(tid("sla-group-first"))).to_have_text("4分00秒", timeout=TIMEOUT_MS)
    expect(aftersales.locator(tid("sla-group-source"))).to_have_text("本组设置")
    console.screenshot(screenshot_dir, "sla-03-admin-page", full_page=True)

    # A supervisor reads the same page and cannot change it.
    server.cli(
        "create-agent", "--username", "boss", "--password", "boss12345", "--name", "王主管",
        "--shop", "demo", "--role", "supervisor",
    )  # fmt: skip
    reader = AdminConsole(new_context().new_page(), server.url)
    reader.submit_login("boss", "boss12345")
    reader.tab("sla")
    expect(reader.page.locator(tid("sla-readonly-note"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(reader.page.locator(tid("sla-shop-first_response_s"))).to_have_value("90")
    expect(reader.page.locator(tid("sla-shop-save"))).to_have_count(0)
    expect(reader.page.locator(tid("sla-group-edit"))).to_have_count(0)

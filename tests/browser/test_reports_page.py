"""The admin console's 数据报表 in the browser: a supervisor picks two days, sees the trend
charts drawn with those days' figures, the per-agent table (names as text) and downloads the
exports; an agent never sees the tab."""

from __future__ import annotations

import asyncio
import csv
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from chatserver.db.engine import Database
from chatserver.db.models import Agent
from tests.api.report_fixtures import insert_chats

from .browser_ui import TIMEOUT_MS, AdminConsole, tid

pytestmark = pytest.mark.browser

ODD_NAME = "<b>莉莉</b>"


async def _chats(data_dir: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{data_dir / 'chatserver.db'}")
    try:
        ids = await insert_chats(db)
        async with db.transaction() as tx:
            await tx.session.execute(
                update(Agent).where(Agent.id == ids["lily"]).values(name=ODD_NAME)
            )
    finally:
        await db.dispose()


def test_a_supervisor_reads_the_charts_and_the_agent_table(
    server, new_context, screenshot_dir: Path
) -> None:
    # Playwright's sync API runs an event loop in this thread: the inserts get one of their own
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _chats(server.data_dir)).result()
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    console.tab("reports")
    page = console.page
    # the default range (the last 30 days) has nothing yet
    expect(page.locator(tid("kpi-conversations"))).to_have_text("0", timeout=TIMEOUT_MS)

    page.locator(tid("report-from")).fill("2020-03-10")
    page.locator(tid("report-to")).fill("2020-03-11")
    page.locator(tid("report-apply")).click()
    expect(page.locator(tid("kpi-conversations"))).to_have_text("15", timeout=TIMEOUT_MS)
    expect(page.locator(tid("kpi-p90"))).to_have_text("98.0秒")  # 90 + 0.8 × (100 − 90) of 13
    expect(page.locator(tid("kpi-complaints"))).to_have_text("1")

    # The charts are drawn (SVG) with the two days on the axis and a bar for each.
    volume = page.locator(tid("report-chart-volume"))
    expect(volume.locator("svg")).to_have_count(1)
    expect(volume.locator("svg text").filter(has_text="2020-03-10")).to_have_count(1)
    expect(volume.locator("svg text").filter(has_text="2020-03-11")).to_have_count(1)
    response = page.locator(tid("report-chart-response"))
    expect(response.locator("svg text").filter(has_text="目标 60秒")).to_have_count(1)
    bars = volume.locator("svg path[fill='#2e90fa']")
    assert bars.count() >= 2, "two days, two bars"

    table = page.locator(tid("report-agents"))
    expect(table.locator(tid("report-agents-row"))).to_have_count(3)
    expect(table.locator(tid("report-agents-name"))).to_have_text(["小美", ODD_NAME, "未接入人工"])
    expect(table.locator(tid("report-agents-conversations"))).to_have_text(["2", "11", "2"])
    expect(table.locator(tid("report-agents-first-response")).first).to_have_text("115.0秒")
    assert table.locator("b").count() == 0  # the name is text, never markup
    console.screenshot(screenshot_dir, "reports-01-two-days", full_page=True)

    with page.expect_download() as download_info:
        page.locator(tid("report-export-agents-csv")).click()
    raw = Path(download_info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert [r[1] for r in rows] == ["客服", "小美", ODD_NAME, "未接入人工"]

    with page.expect_download() as download_info:
        page.locator(tid("report-export-shop-xlsx")).click()
    assert download_info.value.suggested_filename == "全店报表-2020-03-10.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    assert sheet is not None
    assert [sheet.cell(row=r, column=3).value for r in (1, 2, 3)] == ["会话数", 4, 11]

    # Per group, on one filter: 售后 only has 小美's complaint.
    page.locator(tid("report-group")).select_option(label="售后")
    page.locator(tid("report-apply")).click()
    expect(page.locator(tid("kpi-conversations"))).to_have_text("1", timeout=TIMEOUT_MS)
    expect(table.locator(tid("report-agents-name"))).to_have_text(["小美"])


def test_an_agent_has_no_reports_tab(server, new_context) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.submit_login("agent", "agent123")
    # the console refuses agents altogether; the tab never shows
    expect(console.page.locator(tid("admin-tab-reports"))).to_have_count(0)
    expect(console.page.get_by_text("管理后台仅供主管和管理员使用")).to_be_visible(
        timeout=TIMEOUT_MS
    )

"""The bot learns in the browser: a supervisor sees what shoppers asked that the bot could not
answer and teaches it with one click; approves a wording learned from an agent's answer; and
imports the FAQ from a CSV after seeing what it changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from faq.files import FaqRecord, write_faq

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid
from .test_admin_console import bot_answer_to

pytestmark = pytest.mark.browser

PHONE_WIDTH = {"width": 360, "height": 780}
MISSED = "包裹被邻居拿走了"
PARCEL_QUESTION = "显示已签收但我没收到货？"


def _new_shopper(context, url: str) -> Shopper:  # type: ignore[no-untyped-def]
    shopper = Shopper(context.new_page(), url)
    shopper.open_shop()
    shopper.open_chat()
    return shopper


def test_a_question_the_bot_missed_is_added_as_a_similar_question_and_then_answered(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    first = _new_shopper(phone, server.url)
    missed = bot_answer_to(first, MISSED)
    assert "签收" not in missed  # the bot was unsure: it offered choices instead
    bot_answer_to(_new_shopper(new_context(), server.url), "我的包裹被邻居拿走了")

    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    admin.tab("learning")
    group = admin.page.locator(tid("gap-group")).first
    expect(group).to_have_attribute("data-count", "2", timeout=TIMEOUT_MS)
    expect(group.locator(tid("gap-example"))).to_have_count(2)
    # the matcher's closest entry is chosen already; the supervisor picks the right one
    chooser = group.locator(tid("gap-entry"))
    expect(chooser).not_to_have_value("")
    chooser.select_option(label=PARCEL_QUESTION)
    admin.screenshot(screenshot_dir, "80-learning-unanswered", full_page=True)
    narrow = AdminConsole(new_context(viewport=PHONE_WIDTH).new_page(), server.url)
    narrow.login()
    narrow.tab("learning")
    expect(narrow.page.locator(tid("gap-group"))).to_have_count(1, timeout=TIMEOUT_MS)
    narrow.screenshot(screenshot_dir, "81-learning-unanswered-360", full_page=True)

    group.locator(tid("gap-add-similar")).click()
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("相似问法", timeout=TIMEOUT_MS)
    expect(admin.page.locator(tid("unanswered-empty"))).to_be_visible()

    answer = bot_answer_to(_new_shopper(new_context(), server.url), MISSED)
    assert "签收" in answer


def test_a_wording_from_an_agents_answer_is_approved_and_the_bot_answers_it(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper = _new_shopper(phone, server.url)
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()
    shopper.send(MISSED)
    shopper.expect_sent(MISSED)
    suggestion = agent.page.locator(f'{tid("suggestion-item")}[data-kind="faq"]').first
    expect(suggestion).to_be_visible(timeout=TIMEOUT_MS)
    suggestion.click()
    answer = agent.composer().input_value()
    assert answer
    agent.composer().press("End")
    agent.composer().press_sequentially("祝您生活愉快！")
    agent.composer().press("Enter")
    agent.expect_sent("祝您生活愉快")

    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    admin.tab("learning")
    proposal = admin.page.locator(tid("proposal-item"))
    expect(proposal).to_have_count(1, timeout=TIMEOUT_MS)
    expect(proposal.locator(tid("proposal-text"))).to_have_text(MISSED)
    admin.screenshot(screenshot_dir, "82-learning-proposal")
    proposal.locator(tid("proposal-approve")).click()
    expect(admin.page.locator(tid("proposal-empty"))).to_be_visible(timeout=TIMEOUT_MS)

    later = _new_shopper(new_context(), server.url)
    assert bot_answer_to(later, MISSED).startswith(answer[:20])


def test_a_csv_upload_shows_what_changes_and_imports_it(
    server, new_context, screenshot_dir: Path, tmp_path: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    total = int(admin.page.locator(tid("faq-count")).get_attribute("data-total") or 0)
    bad = tmp_path / "bad.csv"
    bad.write_bytes("标准问题,答案\n,没有问题的答案\n".encode())
    good = tmp_path / "faq.csv"
    good.write_bytes(
        write_faq(
            [
                FaqRecord(
                    "可以开专票吗",
                    "可以的，请您提供开票信息，我们 3 个工作日内寄出。",
                    ("能开增值税专用发票吗",),
                    "发票",
                ),
                FaqRecord("支持以旧换新吗", "抱歉，本店暂不支持以旧换新，\n感谢您的理解。"),
            ],
            "csv",
        )
    )

    admin.page.locator(tid("faq-import-open")).click()
    dialog = admin.page.locator(tid("faq-import"))
    dialog.locator(tid("faq-import-file")).set_input_files(str(bad))
    expect(dialog.locator(tid("faq-import-error-row"))).to_have_text(
        "第 2 行：标准问题不能为空", timeout=TIMEOUT_MS
    )
    expect(dialog.locator(tid("faq-import-apply"))).to_be_disabled()

    dialog.locator(tid("faq-import-file")).set_input_files(str(good))
    expect(dialog.locator(tid("import-added"))).to_have_text("新增 2 条", timeout=TIMEOUT_MS)
    expect(dialog.locator(tid("faq-import-row"))).to_have_count(2)
    admin.screenshot(screenshot_dir, "83-faq-import-preview")
    dialog.locator(tid("faq-import-apply")).click()
    expect(dialog).to_have_count(0, timeout=TIMEOUT_MS)
    expect(admin.page.locator(tid("faq-count"))).to_have_attribute(
        "data-total", str(total + 2), timeout=TIMEOUT_MS
    )
    expect(admin.faq_row("支持以旧换新吗")).to_have_count(1)

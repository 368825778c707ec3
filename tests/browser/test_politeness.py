"""The politeness check as agents and admins meet it: warnings while typing, the polite
rewrite, sending anyway with a second Enter, the shop's word lists and warnings on saved FAQ
answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, tid
from .test_shopper_and_agent import routed_chat

pytestmark = pytest.mark.browser

IMPOLITE = "你好姐姐，这个没货了哈，亲你等等呗"
POLITE = "您好，这个没货了，您等等吧"


def test_agent_sees_the_warning_uses_the_rewrite_and_can_send_anyway_with_two_enters(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = routed_chat(server, phone, new_context)
    agent.conversation(0).click()
    page = agent.page
    hint = page.locator(tid("politeness-hint"))

    # Typing an impolite draft: the warning and the rewrite show up on their own.
    agent.composer().fill(IMPOLITE)
    expect(hint).to_have_attribute("data-state", "checked", timeout=TIMEOUT_MS)
    findings = hint.locator(tid("politeness-finding"))
    expect(findings.filter(has_text="姐姐")).to_have_attribute("data-kind", "address")
    expect(findings.filter(has_text="呗")).to_contain_text("吧")
    expect(hint).to_contain_text("不要称呼顾客「姐姐」")
    expect(hint.locator(tid("politeness-rewrite"))).to_have_text(POLITE)
    agent.screenshot(screenshot_dir, "politeness-01-agent-warning")

    hint.locator(tid("politeness-apply")).click()
    expect(agent.composer()).to_have_value(POLITE)
    expect(agent.composer()).to_be_focused()
    expect(hint).to_have_count(0, timeout=TIMEOUT_MS)  # the rewrite is clean
    agent.composer().press("Enter")
    agent.expect_sent(POLITE)
    expect(shopper.messages(sender="agent").filter(has_text=POLITE)).to_have_count(
        1, timeout=TIMEOUT_MS
    )

    # An impolite draft sent at once: the first Enter only brings the warning forward.
    rude = "亲，啥时候要呀，你自己看详情页吧"
    agent.composer().fill(rude)
    agent.composer().press("Enter")
    expect(hint).to_have_attribute("data-armed", "true", timeout=TIMEOUT_MS)
    expect(hint.locator(tid("politeness-armed-note"))).to_be_visible()
    expect(agent.composer()).to_have_value(rude)
    expect(agent.messages(sender="agent")).to_have_count(1)
    agent.screenshot(screenshot_dir, "politeness-02-agent-first-enter")

    agent.composer().press("Enter")  # the second Enter sends it as it is
    agent.expect_sent(rude)
    expect(agent.composer()).to_have_value("")
    expect(hint).to_have_count(0)
    expect(shopper.messages(sender="agent").filter(has_text=rude)).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    shopper.screenshot(screenshot_dir, "politeness-03-phone-shopper")

    # 仍然发送 does the same with one click; a polite draft goes out on the first Enter.
    agent.composer().fill("好的亲")
    expect(hint).to_have_attribute("data-state", "checked", timeout=TIMEOUT_MS)
    hint.locator(tid("politeness-send-anyway")).click()
    agent.expect_sent("好的亲")
    agent.send("好的，马上为您安排发货")
    agent.expect_sent("好的，马上为您安排发货")
    expect(hint).to_have_count(0)


def test_admin_edits_the_word_lists_and_sees_warnings_on_a_saved_answer(
    server, new_context, screenshot_dir: Path
) -> None:
    console = AdminConsole(new_context().new_page(), server.url)
    console.login()
    page = console.page
    console.tab("shop")
    panel = page.locator(tid("politeness-settings"))
    address = panel.locator(f'{tid("politeness-list")}[data-category="address"]')
    expect(address).not_to_have_value("", timeout=TIMEOUT_MS)
    defaults = address.input_value()
    assert "姐姐" in defaults.splitlines()
    state = panel.locator(f'{tid("politeness-list-state")}[data-category="address"]')
    expect(state).to_have_attribute("data-custom", "false")

    address.fill(defaults + "\n老板")
    expect(state).to_have_attribute("data-custom", "true")
    slang = panel.locator(f'{tid("politeness-list")}[data-category="slang"]')
    slang.fill("绝了=非常好\n" + "长" * 21)  # one entry over 20 characters
    panel.locator(tid("politeness-save")).click()
    error = panel.locator(f'{tid("field-error")}[data-field="slang"]')
    expect(error).to_contain_text("超过 20 个字")
    panel.locator(f'{tid("politeness-reset")}[data-category="slang"]').click()
    expect(error).to_have_count(0)
    assert "啥=什么" in slang.input_value().splitlines()
    panel.locator(tid("politeness-save")).click()
    expect(page.locator(tid("admin-toast"))).to_contain_text("礼貌用语设置已保存")
    expect(state).to_have_attribute("data-custom", "true")
    expect(
        panel.locator(f'{tid("politeness-list-state")}[data-category="slang"]')
    ).to_have_attribute("data-custom", "false")
    console.screenshot(screenshot_dir, "politeness-04-admin-word-lists", full_page=True)

    # After a reload the shop's own list is what the server keeps.
    page.reload()
    expect(address).to_have_value(defaults + "\n老板", timeout=TIMEOUT_MS)

    # An FAQ answer with the shop's own forbidden word saves, with the warning in its row.
    console.tab("faq")
    page.locator(tid("faq-new")).click()
    console.fill_faq(question="可以开发票吗", answer="老板，木有问题哈，下单后联系客服开")
    console.save_faq()
    row = console.faq_row("可以开发票吗")
    warnings = row.locator(tid("faq-item-warnings"))
    expect(warnings).to_be_visible(timeout=TIMEOUT_MS)
    expect(warnings.locator(tid("politeness-warning")).first).to_contain_text("老板")
    expect(warnings).to_have_attribute("data-count", "3")
    row.scroll_into_view_if_needed()
    console.screenshot(screenshot_dir, "politeness-05-admin-faq-warning")

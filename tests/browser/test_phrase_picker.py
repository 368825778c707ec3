"""The `/` phrase picker of the agent's reply box, phrase shortcuts in the admin console, and the
shop's farewell as the shopper sees it when a chat is closed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Agent, Shopper, tid

pytestmark = pytest.mark.browser

GREETING_PHRASE = "{shopper}您好，我是客服{agent}，很高兴为您服务！"


def _add_phrase_with_a_shortcut(admin: AdminConsole, screenshot_dir: Path) -> None:
    admin.tab("phrases")
    rows = admin.page.locator(tid("phrase-row"))
    expect(rows.first).to_be_visible(timeout=TIMEOUT_MS)
    # the seeded 欢迎 phrase shows its shortcut
    expect(rows.filter(has_text="欢迎").first.locator(tid("phrase-row-shortcut"))).to_have_text(
        "/hy"
    )
    admin.page.locator(tid("phrase-new")).click()
    editor = admin.page.locator(tid("phrase-editor"))
    editor.locator(tid("phrase-title")).fill("称呼问候")
    editor.locator(tid("phrase-text")).fill("{顾客}您好")
    expect(editor.locator(tid("phrase-preview-problem"))).to_contain_text("不认识 {顾客}")
    editor.locator(tid("phrase-text")).fill(GREETING_PHRASE)
    expect(editor.locator(tid("phrase-preview-text"))).to_have_text(
        "访客 3F2A您好，我是客服店长，很高兴为您服务！"
    )
    # a shortcut another phrase has is refused next to the field, by the server
    editor.locator(tid("phrase-shortcut")).fill("HY")
    editor.locator(tid("phrase-save")).click()
    shortcut_error = editor.locator(f'{tid("field-error")}[data-field="shortcut"]')
    expect(shortcut_error).to_contain_text("已被常用语“欢迎”使用", timeout=TIMEOUT_MS)
    admin.screenshot(screenshot_dir, "40-admin-phrase-shortcut-conflict")
    editor.locator(tid("phrase-shortcut")).fill("nh")
    expect(shortcut_error).to_have_count(0)
    editor.locator(tid("phrase-save")).click()
    expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
    expect(rows.filter(has_text="称呼问候").locator(tid("phrase-row-shortcut"))).to_have_text("/nh")


def _agent_serving_a_shopper(server, phone, new_context) -> tuple[Agent, Shopper]:
    """A shopper on a phone asked for a person; the agent has their chat open."""
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()
    return agent, shopper


def test_an_agent_finds_phrases_with_slash_and_sends_them_filled_in(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    _add_phrase_with_a_shortcut(admin, screenshot_dir)

    agent, shopper = _agent_serving_a_shopper(server, phone, new_context)
    expect(agent.page.locator(tid("chat-pane"))).to_be_visible(timeout=TIMEOUT_MS)
    shopper_name = agent.page.locator(tid("chat-visitor-name")).inner_text()

    box = agent.composer()
    picker = agent.page.locator(tid("phrase-picker"))
    items = picker.locator(tid("phrase-picker-item"))
    active = picker.locator(f'{tid("phrase-picker-item")}[data-active="true"]')
    # `/` alone lists phrases, shortcuts first; a `/` inside a word opens nothing
    box.click()
    box.press_sequentially("1/2")
    expect(picker).to_have_count(0)
    box.fill("")
    box.press_sequentially("/")
    expect(items.first).to_be_visible(timeout=TIMEOUT_MS)

    # a shortcut: its phrase first, then phrases the matcher finds for it
    box.press_sequentially("cm")
    expect(active.locator(tid("phrase-picker-title"))).to_have_text("尺码建议", timeout=TIMEOUT_MS)
    expect(picker).not_to_have_class(re.compile("stale"))
    agent.screenshot(screenshot_dir, "41-desk-picker-shortcut")
    # Chinese text goes to the server's matcher
    box.fill("")
    box.press_sequentially("/尺码")
    expect(picker).to_be_visible(timeout=TIMEOUT_MS)
    titles = picker.locator(tid("phrase-picker-title"))
    expect(titles.first).to_have_text(re.compile("尺码"), timeout=TIMEOUT_MS)
    expect(picker).not_to_have_class(re.compile("stale"))
    assert "尺码建议" in titles.all_inner_texts()
    agent.screenshot(screenshot_dir, "42-desk-picker-chinese")
    # the arrow keys move, Enter inserts what is highlighted in place of `/尺码`
    box.press("ArrowDown")
    expect(items.nth(1)).to_have_attribute("data-active", "true")
    box.press("ArrowUp")
    box.press("ArrowUp")  # wraps to the last one
    expect(items.last).to_have_attribute("data-active", "true")
    box.press("ArrowDown")
    expect(items.first).to_have_attribute("data-active", "true")
    chosen = items.first.locator(tid("phrase-picker-text")).inner_text()
    box.press("Enter")
    expect(picker).to_have_count(0)
    expect(box).to_have_value(chosen)
    assert "/" not in chosen

    # Esc closes the picker and leaves what was typed
    box.fill("")
    box.press_sequentially("/zz")
    expect(picker).to_be_visible(timeout=TIMEOUT_MS)
    box.press("Escape")
    expect(picker).to_have_count(0)
    expect(box).to_have_value("/zz")

    # the mouse works too
    box.fill("")
    box.press_sequentially("/sf")
    expect(active.locator(tid("phrase-picker-title"))).to_have_text("顺丰", timeout=TIMEOUT_MS)
    items.first.click()
    expect(box).to_have_value(re.compile("^可以为您改发顺丰"))

    # typed fast: Enter before the search answers inserts the best match for all that was typed
    box.fill("好的 ")
    box.press_sequentially("/nh")
    box.press("Enter")
    filled = f"好的 {shopper_name}您好，我是客服小美，很高兴为您服务！"
    expect(box).to_have_value(filled, timeout=TIMEOUT_MS)
    agent.screenshot(screenshot_dir, "43-desk-picker-inserted")
    box.press("Enter")
    agent.expect_sent(filled)
    expect(shopper.messages(sender="agent").filter(has_text=filled)).to_have_count(
        1, timeout=TIMEOUT_MS
    )
    shopper.screenshot(screenshot_dir, "44-phone-phrase-received")


def test_the_shopper_sees_the_farewell_the_admin_wrote_when_the_chat_is_closed(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    admin.tab("shop")
    farewell = admin.page.locator(tid("shop-farewell"))
    expect(farewell).to_have_value(re.compile("期待再次为您服务"), timeout=TIMEOUT_MS)
    preview = admin.page.locator(tid("shop-preview-farewell"))
    expect(preview).to_contain_text("感谢您光临鹿鸣衣橱")
    farewell.fill("{shopper}再见")
    expect(
        admin.page.locator(f'{tid("field-error")}[data-field="farewell_template"]')
    ).to_contain_text("结束语只能使用 {shop}、{agent}")
    farewell.fill("感谢您光临{shop}，我是")
    admin.page.locator(tid("insert-farewell-agent")).click()
    expect(farewell).to_have_value("感谢您光临{shop}，我是{agent}")
    farewell.press("End")
    farewell.press_sequentially("，祝您生活愉快，期待再次为您服务！")
    expected_preview = "感谢您光临鹿鸣衣橱，我是店长，祝您生活愉快，期待再次为您服务！"
    expect(preview).to_have_text(expected_preview)
    admin.screenshot(screenshot_dir, "45-admin-shop-farewell")
    admin.page.locator(tid("shop-save")).click()
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("已保存", timeout=TIMEOUT_MS)

    agent, shopper = _agent_serving_a_shopper(server, phone, new_context)
    agent.page.locator(tid("chat-close-button")).click()
    expect(agent.page.locator(tid("chat-ended"))).to_be_visible(timeout=TIMEOUT_MS)
    expected = "感谢您光临鹿鸣衣橱，我是小美，祝您生活愉快，期待再次为您服务！"
    line = shopper.messages(sender="system").filter(has_text=expected)
    expect(line).to_have_count(1, timeout=TIMEOUT_MS)
    expect(shopper.frame.locator(tid("chat-status"))).to_have_attribute("data-status", "closed")
    shopper.screenshot(screenshot_dir, "46-phone-farewell")


def test_the_side_panel_filter_finds_phrases_by_shortcut_and_by_meaning(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, _shopper = _agent_serving_a_shopper(server, phone, new_context)
    side = agent.page.locator(tid("side-panel"))
    titles = side.locator(f"{tid('phrase-list')} b")
    expect(titles.first).to_be_visible(timeout=TIMEOUT_MS)
    everything = titles.count()
    box = side.locator(tid("phrase-filter"))

    # a shortcut finds its phrase
    box.fill("sf")
    expect(titles.first).to_have_text("顺丰", timeout=TIMEOUT_MS)
    # words that appear in no title or text as typed: the server's matcher finds the phrase
    box.fill("钱什么时候退回来")
    expect(titles.first).to_have_text("退款时效", timeout=TIMEOUT_MS)
    assert titles.count() < everything
    agent.screenshot(screenshot_dir, "45-desk-side-panel-phrase-search")
    # a click inserts the phrase into the draft
    side.locator(tid("phrase-item")).first.click()
    expect(agent.composer()).to_have_value(re.compile("^我们收到退货并确认后"))
    # nothing relevant: said so, and clearing the box lists every phrase again
    box.fill("zzqqxx")
    expect(side.locator(".empty-note").filter(has_text="没有找到相关的快捷语")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    box.fill("")
    expect(titles).to_have_count(everything)

"""The admin console (/admin/) against the real server, in Debian's chromium: editors change the
FAQ, the standard phrases and the greeting, check with 试一试, and shoppers see the result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, AdminConsole, Shopper, tid

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}

STORE_Q = "实体店地址"
STORE_ASK = "你们实体店地址在哪里"
STORE_ASK_2 = "请问实体店地址在哪"
STORE_ASK_3 = "实体店地址是哪里"
STORE_ANSWER = (
    "您好，本店实体店位于杭州市西湖区文三路 88 号，每天 10:00-21:00 营业，欢迎您到店试穿。"
)
STORE_ANSWER_2 = (
    "您好，本店实体店已搬到杭州市拱墅区湖墅南路 66 号，每天 10:00-21:00 营业，欢迎您到店试穿。"
)

XSS_IMG = "<img src=x onerror=window.__xss=1>"
XSS_SCRIPT = "<script>window.__xss=2</script>"


def bot_answer_to(shopper: Shopper, question: str) -> str:
    """Ask the bot; the text of its answer (tapping a "did you mean" choice if it offers one)."""
    before = shopper.messages(sender="bot").count()
    shopper.send(question)
    shopper.expect_sent(question)
    bot = shopper.messages(sender="bot")
    expect(bot).to_have_count(before + 1, timeout=TIMEOUT_MS)
    return bot.last.locator(tid("message-text")).inner_text()


def test_admin_adds_faq_checks_it_with_try_and_shopper_gets_the_answer(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    expect(admin.page).to_have_title(re.compile("管理后台"))
    expect(admin.page.locator(tid("admin-role"))).to_have_attribute("data-role", "admin")
    expect(admin.page.locator(tid("admin-shop-name"))).to_have_text("鹿鸣衣橱")
    total = int(admin.page.locator(tid("faq-count")).get_attribute("data-total") or 0)
    assert total > 10
    admin.screenshot(screenshot_dir, "20-admin-faq-list")

    # the question is not in the FAQ yet: the bot is not sure
    admin.try_question(STORE_ASK)
    expect(admin.page.locator(tid("try-result"))).to_have_attribute("data-confident", "false")

    admin.page.locator(tid("faq-new")).click()
    expect(admin.editor()).to_have_attribute("data-mode", "create")
    admin.fill_faq(
        question=STORE_Q,
        similar=["你们有实体店吗", "线下门店在哪", "可以去店里试穿吗"],
        answer=STORE_ANSWER,
        category="门店",
    )
    admin.screenshot(screenshot_dir, "21-admin-faq-create")
    admin.save_faq()
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("已创建")
    row = admin.faq_row(STORE_Q)
    expect(row).to_have_count(1)
    expect(row.locator(tid("faq-item-category"))).to_have_text("门店")
    expect(row.locator(tid("faq-item-similar-count"))).to_have_text("3")
    expect(row).to_have_attribute("data-enabled", "true")
    faq_id = row.get_attribute("data-faq-id")
    expect(admin.page.locator(tid("faq-count"))).to_have_attribute("data-total", str(total + 1))

    # search and the category filter find it
    admin.page.locator(tid("faq-search")).fill("文三路")
    expect(admin.page.locator(tid("faq-item"))).to_have_count(1)
    admin.page.locator(tid("faq-search")).fill("")
    admin.page.locator(tid("faq-category-filter")).select_option("门店")
    expect(admin.page.locator(tid("faq-item"))).to_have_count(1)
    admin.page.locator(tid("faq-category-filter")).select_option("")

    # 试一试: the bot is now confident, with the new entry on top
    result = admin.try_question(STORE_ASK)
    expect(result).to_have_attribute("data-confident", "true", timeout=TIMEOUT_MS)
    top = admin.page.locator(tid("try-match")).first
    expect(top).to_have_attribute("data-faq-id", str(faq_id))
    expect(top.locator(tid("try-match-question"))).to_have_text(STORE_Q)
    assert float(top.get_attribute("data-score") or 0) >= 50
    expect(admin.page.locator(tid("try-verdict"))).to_contain_text("会直接回答")
    admin.screenshot(screenshot_dir, "22-admin-try-confident")

    # a shopper on the demo page asks it and gets the new answer
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    assert "文三路" in bot_answer_to(shopper, STORE_ASK)
    shopper.screenshot(screenshot_dir, "23-phone-new-faq-answer")

    # edit the answer (opened from the try result): the shopper gets the changed answer
    top.locator(tid("try-match-edit")).click()
    expect(admin.editor()).to_have_attribute("data-mode", "edit")
    expect(admin.editor().locator(tid("faq-question"))).to_have_value(STORE_Q)
    expect(admin.editor().locator(tid("faq-similar"))).to_have_value(
        "你们有实体店吗\n线下门店在哪\n可以去店里试穿吗"
    )
    admin.fill_faq(answer=STORE_ANSWER_2)
    admin.save_faq()
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("已保存")
    expect(row).to_contain_text("湖墅南路")
    admin.try_question(STORE_ASK_2)
    expect(admin.page.locator(tid("try-result"))).to_have_attribute("data-confident", "true")
    assert "湖墅南路" in bot_answer_to(shopper, STORE_ASK_2)

    # disable it: the list shows it off, the bot no longer uses it
    toggle = row.locator(tid("faq-enabled-toggle"))
    toggle.click()
    expect(row).to_have_attribute("data-enabled", "false", timeout=TIMEOUT_MS)
    expect(toggle).to_have_attribute("aria-checked", "false")
    admin.page.locator(tid("faq-status-filter")).select_option("disabled")
    expect(admin.faq_row(STORE_Q)).to_have_count(1)
    admin.page.locator(tid("faq-status-filter")).select_option("all")
    admin.try_question(STORE_ASK_3)
    expect(admin.page.locator(tid("try-result"))).to_have_attribute("data-confident", "false")
    expect(admin.page.locator(f'{tid("try-match")}[data-faq-id="{faq_id}"]')).to_have_count(0)
    admin.screenshot(screenshot_dir, "24-admin-faq-disabled")
    assert "湖墅南路" not in bot_answer_to(shopper, STORE_ASK_3)

    # the stored login survives a reload
    admin.page.reload()
    expect(admin.faq_row(STORE_Q)).to_have_attribute("data-enabled", "false", timeout=TIMEOUT_MS)


def test_validation_messages_literal_text_and_delete_with_confirmation(
    server, new_context, screenshot_dir: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()

    # an empty answer: the server's message shows next to the answer field, the dialog stays
    admin.page.locator(tid("faq-new")).click()
    admin.fill_faq(question="能开发票吗（测试）", answer="   ")
    admin.editor().locator(tid("faq-save")).click()
    error = admin.editor().locator(f'{tid("field-error")}[data-field="answer"]')
    expect(error).to_have_text("答案不能为空", timeout=TIMEOUT_MS)
    expect(admin.editor()).to_be_visible()
    admin.screenshot(screenshot_dir, "25-admin-validation-error")
    # an over-long question gets its own message next to the question field
    admin.fill_faq(question="问" * 201, answer="可以的。")
    admin.editor().locator(tid("faq-save")).click()
    expect(admin.editor().locator(f'{tid("field-error")}[data-field="question"]')).to_contain_text(
        "标准问题不能超过 200 个字符", timeout=TIMEOUT_MS
    )
    expect(admin.editor().locator(f'{tid("field-error")}[data-field="answer"]')).to_have_count(0)
    admin.editor().locator(tid("faq-cancel")).click()
    expect(admin.editor()).to_have_count(0)

    # markup typed into an entry is shown as text everywhere and never runs
    admin.page.locator(tid("faq-new")).click()
    admin.fill_faq(question=XSS_IMG, similar=[XSS_SCRIPT], answer=XSS_SCRIPT + " 测试答案")
    admin.save_faq()
    row = admin.faq_row(XSS_IMG)
    expect(row).to_have_count(1)
    expect(row.locator(tid("faq-item-question"))).to_have_text(XSS_IMG)
    assert row.locator("img").count() == 0
    result = admin.try_question(XSS_IMG)
    expect(result.locator(tid("try-match-question")).first).to_have_text(XSS_IMG)
    admin.page.reload()
    expect(admin.faq_row(XSS_IMG)).to_have_count(1, timeout=TIMEOUT_MS)
    assert admin.page.evaluate("window.__xss") is None

    # delete asks first; 取消 keeps it, 删除 removes it
    row.locator(tid("faq-delete")).click()
    dialog = admin.page.locator(tid("confirm-dialog"))
    expect(dialog).to_contain_text(XSS_IMG)
    admin.screenshot(screenshot_dir, "26-admin-delete-confirm")
    dialog.locator(tid("confirm-cancel")).click()
    expect(dialog).to_have_count(0)
    expect(row).to_have_count(1)
    row.locator(tid("faq-delete")).click()
    admin.page.locator(tid("confirm-ok")).click()
    expect(row).to_have_count(0, timeout=TIMEOUT_MS)
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("已删除")
    admin.page.reload()
    expect(admin.page.locator(tid("faq-item")).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(admin.faq_row(XSS_IMG)).to_have_count(0)
    assert admin.page.evaluate("window.__xss") is None


def test_agent_is_refused_and_supervisor_sees_shop_settings_read_only(
    server, new_context, screenshot_dir: Path
) -> None:
    page = new_context().new_page()
    admin = AdminConsole(page, server.url)
    admin.submit_login("agent", "agent123")
    error = page.locator(tid("login-error"))
    expect(error).to_contain_text("仅供主管和管理员使用", timeout=TIMEOUT_MS)
    expect(page.locator(tid("admin-tab-faq"))).to_have_count(0)
    assert page.evaluate("localStorage.getItem('chatserver:admin:session')") is None
    admin.screenshot(screenshot_dir, "27-admin-agent-refused")

    # and the server refuses an agent's edits whatever the page does
    login = page.request.post(
        server.url + "/api/auth/login", data={"username": "agent", "password": "agent123"}
    )
    token = login.json()["token"]
    refused = page.request.post(
        server.url + "/api/faq",
        data={"question": "测试", "answer": "测试"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status == 403

    # a wrong password
    admin.submit_login("admin", "wrong-password")
    expect(error).to_have_text("用户名或密码错误", timeout=TIMEOUT_MS)

    # a supervisor edits the FAQ and phrases but only reads the shop settings
    server.cli(
        "create-agent", "--username", "lead", "--password", "lead12345",
        "--name", "王主管", "--shop", "demo", "--role", "supervisor",
    )  # fmt: skip
    admin.login("lead", "lead12345")
    expect(page.locator(tid("admin-role"))).to_have_attribute("data-role", "supervisor")
    expect(page.locator(tid("faq-new"))).to_be_visible()
    admin.tab("shop")
    expect(page.locator(tid("shop-readonly-note"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(tid("shop-greeting"))).to_have_attribute("readonly", "")
    expect(page.locator(tid("shop-save"))).to_have_count(0)
    expect(page.locator(tid("shop-preview-greeting"))).to_contain_text("鹿鸣衣橱")
    admin.screenshot(screenshot_dir, "28-admin-shop-supervisor")

    page.locator(tid("logout-button")).click()
    expect(page.locator(tid("login-notice"))).to_have_text("您已退出登录")
    assert page.evaluate("localStorage.getItem('chatserver:admin:session')") is None


def test_greeting_and_phrases_reach_shoppers_and_agents(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    admin = AdminConsole(new_context().new_page(), server.url)
    admin.login()
    admin.tab("shop")
    greeting = admin.page.locator(tid("shop-greeting"))
    expect(greeting).to_have_value(re.compile("欢迎光临"), timeout=TIMEOUT_MS)
    preview = admin.page.locator(tid("shop-preview-greeting"))
    greeting.fill("亲，欢迎来到{shop}！我是{agent}，")
    admin.page.locator(tid("insert-shop")).click()
    expect(greeting).to_have_value("亲，欢迎来到{shop}！我是{agent}，{shop}")
    greeting.fill("亲，欢迎来到{shop}！我是{agent}，尺码、发货、退换都可以问我哦。")
    expected = "亲，欢迎来到鹿鸣衣橱！我是智能助手，尺码、发货、退换都可以问我哦。"
    expect(preview).to_have_text(expected)
    # an empty shop name is refused next to its field
    admin.page.locator(tid("shop-name")).fill("")
    admin.page.locator(tid("shop-save")).click()
    expect(admin.page.locator(f'{tid("field-error")}[data-field="name"]')).to_have_text(
        "店铺名称不能为空", timeout=TIMEOUT_MS
    )
    admin.page.locator(tid("shop-name")).fill("鹿鸣衣橱")
    admin.screenshot(screenshot_dir, "29-admin-shop-settings")
    admin.page.locator(tid("shop-save")).click()
    expect(admin.page.locator(tid("admin-toast"))).to_contain_text("已保存", timeout=TIMEOUT_MS)
    expect(admin.page.locator(tid("shop-save"))).to_be_disabled()

    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    expect(shopper.messages(sender="bot").first.locator(tid("message-text"))).to_have_text(expected)
    shopper.screenshot(screenshot_dir, "30-phone-new-greeting")

    # standard phrases: create, edit, delete
    admin.tab("phrases")
    rows = admin.page.locator(tid("phrase-row"))
    expect(rows.first).to_be_visible(timeout=TIMEOUT_MS)
    count = rows.count()
    admin.page.locator(tid("phrase-new")).click()
    editor = admin.page.locator(tid("phrase-editor"))
    editor.locator(tid("phrase-save")).click()
    expect(editor.locator(f'{tid("field-error")}[data-field="title"]')).to_have_text(
        "标题不能为空", timeout=TIMEOUT_MS
    )
    editor.locator(tid("phrase-title")).fill("门店地址")
    editor.locator(tid("phrase-category")).fill("售前")
    editor.locator(tid("phrase-text")).fill(
        "您好，我是{agent}，本店实体店在文三路 88 号，欢迎您到店试穿。"
    )
    editor.locator(tid("phrase-save")).click()
    expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
    expect(rows).to_have_count(count + 1)
    new_row = rows.filter(has_text="门店地址")
    expect(new_row).to_have_count(1)

    new_row.locator(tid("phrase-edit")).click()
    text_field = editor.locator(tid("phrase-text"))
    # The editor opens with the stored text; only then is it replaced (and seen replaced).
    expect(text_field).to_have_value(
        "您好，我是{agent}，本店实体店在文三路 88 号，欢迎您到店试穿。", timeout=TIMEOUT_MS
    )
    text_field.fill("您好，我是{agent}，本店实体店在文三路 88 号 2 楼，欢迎您到店试穿。")
    expect(text_field).to_have_value(
        "您好，我是{agent}，本店实体店在文三路 88 号 2 楼，欢迎您到店试穿。"
    )
    editor.locator(tid("phrase-save")).click()
    expect(editor).to_have_count(0, timeout=TIMEOUT_MS)
    expect(new_row.locator(tid("phrase-row-text"))).to_contain_text("2 楼", timeout=TIMEOUT_MS)
    admin.screenshot(screenshot_dir, "31-admin-phrases")

    # agents get the new phrase (the agent panel lists GET /api/phrases beside an open chat)
    token = admin.page.request.post(
        server.url + "/api/auth/login", data={"username": "agent", "password": "agent123"}
    ).json()["token"]
    phrases = admin.page.request.get(
        server.url + "/api/phrases", headers={"Authorization": f"Bearer {token}"}
    ).json()["items"]
    assert any(p["title"] == "门店地址" and "2 楼" in p["text"] for p in phrases)

    old = rows.filter(has_text="道别")
    old.locator(tid("phrase-delete")).click()
    admin.page.locator(tid("confirm-ok")).click()
    expect(old).to_have_count(0, timeout=TIMEOUT_MS)
    expect(rows).to_have_count(count)


def test_console_on_a_tablet(server, new_context, screenshot_dir: Path) -> None:
    admin = AdminConsole(new_context(viewport=TABLET).new_page(), server.url)
    admin.login()
    admin.try_question("多久发货")
    admin.screenshot(screenshot_dir, "32-tablet-admin-faq")
    # nothing wider than the screen, except inside the table's own scroll box
    width = admin.page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"]
    admin.page.locator(tid("faq-edit")).first.click()
    box = admin.editor().bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= TABLET["width"]
    admin.screenshot(screenshot_dir, "33-tablet-admin-editor")
    admin.page.keyboard.press("Escape")
    expect(admin.editor()).to_have_count(0)
    admin.tab("shop")
    expect(admin.page.locator(tid("shop-preview"))).to_be_visible(timeout=TIMEOUT_MS)
    admin.screenshot(screenshot_dir, "34-tablet-admin-shop", full_page=True)

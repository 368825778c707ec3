"""The panel's suggested answers belong to the chat in front of the agent: opening a chat that
got new questions in the background shows suggestions for its newest question, not older ones.
(The server finds them only for the open chat: tests/realtime/test_focus.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Agent, Shopper, tid

pytestmark = pytest.mark.browser


def _top_faq(agent: Agent):  # type: ignore[no-untyped-def]
    return agent.page.locator(f'{tid("suggestion-item")}[data-kind="faq"]').first


def test_opening_a_chat_shows_suggestions_for_its_newest_question(
    server, new_context, screenshot_dir: Path
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    agent.set_status("online")

    shoppers = []
    for _ in range(2):
        shopper = Shopper(new_context().new_page(), server.url)
        shopper.open_shop()
        shopper.open_chat()
        shopper.ask_for_person()
        shoppers.append(shopper)
    first, second = shoppers
    expect(agent.page.locator(tid("conversation-item"))).to_have_count(2, timeout=TIMEOUT_MS)
    pane = agent.page.locator(tid("chat-pane"))
    first_id = pane.get_attribute("data-conversation-id")
    second_id = next(i for i in agent.listed_ids() if i != first_id)

    # The open chat's new question gets its suggestions.
    first.send("退货的运费谁出？")
    expect(_top_faq(agent)).to_contain_text("退货运费谁承担", timeout=TIMEOUT_MS)

    # Questions in the other chat while it is in the background; opening it shows suggestions
    # for the newest one.
    second.send("这件毛衣可以机洗吗？")
    expect(agent.chat_item(second_id).locator(tid("conversation-unread"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    agent.chat_item(second_id).click()
    expect(pane).to_have_attribute("data-conversation-id", second_id)
    expect(_top_faq(agent)).to_contain_text("可以机洗吗", timeout=TIMEOUT_MS)

    agent.chat_item(first_id).click()
    expect(_top_faq(agent)).to_contain_text("退货运费谁承担", timeout=TIMEOUT_MS)
    second.send("我想退货，怎么申请？")
    expect(agent.chat_item(second_id).locator(tid("conversation-unread"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    agent.chat_item(second_id).click()
    expect(_top_faq(agent)).to_contain_text("怎么申请退货", timeout=TIMEOUT_MS)
    expect(agent.page.locator(tid("suggestion-item")).filter(has_text="可以机洗吗")).to_have_count(
        0
    )
    agent.screenshot(screenshot_dir, "focus-01-suggestions-for-the-open-chat")

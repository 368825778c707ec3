"""Satisfaction ratings in the browser: a shopper on a phone rates the service an agent gave,
and the agent sees it in the panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Agent, Shopper, tid

pytestmark = pytest.mark.browser

COMMENT = "小美很耐心，尺码问题都解决了，谢谢！<b>好评</b>"
LABELS = ["非常不满意", "不满意", "一般", "满意", "非常满意"]


def served_then_closed(server, phone, new_context) -> tuple[Agent, Shopper]:  # type: ignore[no-untyped-def]
    """A phone shopper asks for a person, the online agent answers and ends the chat."""
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.ask_for_person()
    expect(agent.conversation(0)).to_be_visible(timeout=TIMEOUT_MS)
    agent.conversation(0).click()
    agent.send("您好，我是客服小美，很高兴为您服务。")
    agent.expect_sent("很高兴为您服务")
    expect(shopper.messages(sender="agent")).to_have_count(1, timeout=TIMEOUT_MS)
    agent.page.locator(tid("chat-close-button")).click()
    expect(agent.page.locator(tid("chat-ended"))).to_be_visible(timeout=TIMEOUT_MS)
    return agent, shopper


def test_shopper_on_a_phone_rates_five_stars_and_the_agent_sees_it(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = served_then_closed(server, phone, new_context)

    card = shopper.frame.locator(tid("rating-card"))
    expect(card).to_be_visible(timeout=TIMEOUT_MS)
    expect(card).to_contain_text("小美")
    stars = card.locator(tid("rating-star"))
    expect(stars).to_have_count(5)
    assert [stars.nth(i).get_attribute("aria-label") for i in range(5)] == [
        f"{n} 星，{label}" for n, label in zip(range(1, 6), LABELS, strict=True)
    ]
    # nothing to submit before a score is chosen; the card fits the phone's width
    expect(card.locator(tid("rating-submit"))).to_be_disabled()
    box = card.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    shopper.screenshot(screenshot_dir, "ratings-01-phone-card")

    # A reload keeps asking: the rating is still open on the server.
    shopper.page.reload()
    shopper.open_chat()
    card = shopper.frame.locator(tid("rating-card"))
    expect(card).to_be_visible(timeout=TIMEOUT_MS)

    card.locator(tid("rating-star")).nth(4).click()
    expect(card.locator(tid("rating-label"))).to_have_text("非常满意")
    expect(card.locator(tid("rating-star")).nth(4)).to_have_attribute("aria-pressed", "true")
    card.locator(tid("rating-comment")).fill(COMMENT)
    shopper.screenshot(screenshot_dir, "ratings-02-phone-five-stars")
    card.locator(tid("rating-submit")).click()

    thanks = shopper.frame.locator(tid("rating-thanks"))
    expect(thanks).to_be_visible(timeout=TIMEOUT_MS)
    expect(thanks).to_contain_text("感谢您的评价")
    expect(shopper.frame.locator(tid("rating-card"))).to_have_count(0)
    shopper.screenshot(screenshot_dir, "ratings-03-phone-thanks")

    # The agent hears of it at once: a toast, the rating on the chat and in the list.
    toast = agent.page.locator(tid("desk-toast"))
    expect(toast).to_contain_text("5 星", timeout=TIMEOUT_MS)
    rating = agent.page.locator(tid("chat-rating"))
    expect(rating).to_have_attribute("data-score", "5", timeout=TIMEOUT_MS)
    expect(rating).to_contain_text("非常满意")
    expect(rating).to_contain_text(COMMENT)  # markup typed by the shopper stays text
    assert agent.page.locator(f"{tid('chat-rating')} b").count() == 0
    expect(agent.conversation(0).locator(tid("conversation-rating"))).to_have_text("★5")
    agent.screenshot(screenshot_dir, "ratings-04-desk-toast")
    expect(toast).to_be_hidden(timeout=TIMEOUT_MS)
    agent.screenshot(screenshot_dir, "ratings-05-desk-rated")

    # The shopper comes back for a new round: the chat returns to the agent with its rating.
    shopper.send("我想再问一下退换货")
    shopper.expect_sent("退换货")
    shopper.ask_for_person()
    expect(agent.page.locator(tid("chat-close-button"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(agent.page.locator(tid("chat-rating"))).to_have_attribute("data-score", "5")
    expect(shopper.frame.locator(tid("rating-thanks"))).to_be_visible()


def test_skipping_hides_the_card_without_rating_and_a_reload_does_not_ask_again(
    server, phone, new_context, screenshot_dir: Path
) -> None:
    agent, shopper = served_then_closed(server, phone, new_context)
    card = shopper.frame.locator(tid("rating-card"))
    expect(card).to_be_visible(timeout=TIMEOUT_MS)
    card.locator(tid("rating-skip")).click()
    expect(card).to_have_count(0)
    expect(shopper.frame.locator(tid("rating-thanks"))).to_have_count(0)

    shopper.page.reload()
    shopper.open_chat()
    farewell = shopper.messages(sender="system").filter(has_text="本次服务已结束")
    expect(farewell).to_have_count(1, timeout=TIMEOUT_MS)
    # the reloaded widget still knows the chat ended (the replayed history does not reopen it)
    expect(shopper.frame.locator(tid("chat-status"))).to_have_attribute("data-status", "closed")
    expect(shopper.frame.locator(tid("rating-card"))).to_have_count(0)
    shopper.screenshot(screenshot_dir, "ratings-06-phone-skipped")
    expect(agent.page.locator(tid("chat-rating"))).to_have_count(0)

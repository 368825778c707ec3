"""Page helpers for the browser tests: what a shopper and an agent do, by data-testid."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import FrameLocator, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

TIMEOUT_MS = 15_000


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


class Shopper:
    """A shopper on the demo shop page, chatting in the widget's iframe."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    @property
    def frame(self) -> FrameLocator:
        return self.page.frame_locator(tid("chat-frame"))

    def open_shop(self) -> None:
        self.page.goto(self.base_url + "/demo/")
        expect(self.page.locator(tid("chat-launcher"))).to_be_visible(timeout=TIMEOUT_MS)

    def open_chat(self) -> None:
        self.page.locator(tid("chat-launcher")).click()
        expect(self.frame.locator(tid("composer-input"))).to_be_visible(timeout=TIMEOUT_MS)
        # the greeting arrives with the session, at once
        expect(self.messages(sender="bot").first).to_be_visible(timeout=TIMEOUT_MS)

    def messages(self, sender: str | None = None) -> Locator:
        sel = tid("message") + (f'[data-sender="{sender}"]' if sender else "")
        return self.frame.locator(sel)

    def texts(self) -> list[str]:
        return self.frame.locator(f"{tid('message')} {tid('message-text')}").all_inner_texts()

    def send(self, text: str) -> None:
        box = self.frame.locator(tid("composer-input"))
        box.fill(text)
        box.press("Enter")

    def expect_sent(self, text: str) -> Locator:
        """The own message with this text is shown once and marked sent."""
        own = self.messages(sender="visitor").filter(has_text=text)
        expect(own).to_have_count(1, timeout=TIMEOUT_MS)
        expect(own).to_have_attribute("data-state", "sent", timeout=TIMEOUT_MS)
        return own

    def ask_for_person(self) -> None:
        """Tap 转人工 (unless the bot already handed over) and wait for a person or the queue."""
        button = self.frame.locator(tid("handoff-button"))
        try:
            # the bot may hand over by itself just now, which disables the button
            button.click(timeout=3000)
        except PlaywrightTimeoutError:
            pass
        status = self.frame.locator(tid("chat-status"))
        expect(status).to_have_attribute(
            "data-status", re.compile("queued|assigned"), timeout=TIMEOUT_MS
        )

    def screenshot(self, directory: Path, name: str) -> None:
        self.page.screenshot(path=str(directory / f"{name}.png"))


class Agent:
    """An agent in the agent panel."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def login(self, username: str = "agent", password: str = "agent123") -> None:
        self.page.goto(self.base_url + "/agent/")
        self.page.locator(tid("login-username")).fill(username)
        self.page.locator(tid("login-password")).fill(password)
        self.page.locator(tid("login-submit")).click()
        expect(self.page.locator(tid("connection-state"))).to_have_attribute(
            "data-state", "online", timeout=TIMEOUT_MS
        )

    def set_status(self, status: str) -> None:
        self.page.locator(tid("agent-status")).select_option(status)
        expect(self.page.locator(tid("agent-status"))).to_have_value(status)

    def end_shift(self, summary: str, notes: dict[int, str] | None = None) -> None:
        """Go offline with open chats: the panel asks for the handover (交接) first."""
        self.page.locator(tid("agent-status")).select_option("offline")
        dialog = self.page.locator(tid("end-shift-dialog"))
        expect(dialog).to_be_visible(timeout=TIMEOUT_MS)
        for conversation_id, note in (notes or {}).items():
            dialog.locator(
                f'{tid("end-shift-note")}[data-conversation-id="{conversation_id}"]'
            ).fill(note)
        dialog.locator(tid("end-shift-summary")).fill(summary)
        dialog.locator(tid("end-shift-confirm")).click()
        expect(dialog).to_have_count(0, timeout=TIMEOUT_MS)
        expect(self.page.locator(tid("agent-status"))).to_have_value("offline")

    def conversation(self, n: int = 0) -> Locator:
        """The n-th of my chats as listed now (most urgent first)."""
        return self.page.locator(tid("conversation-item")).nth(n)

    def chat_item(self, conversation_id: int | str) -> Locator:
        """One of my chats wherever the urgency order puts it."""
        return self.page.locator(
            f'{tid("conversation-item")}[data-conversation-id="{conversation_id}"]'
        )

    def listed_ids(self) -> list[str]:
        return self.page.locator(tid("conversation-item")).evaluate_all(
            "items => items.map((item) => item.dataset.conversationId)"
        )

    def messages(self, sender: str | None = None) -> Locator:
        sel = tid("agent-message") + (f'[data-sender="{sender}"]' if sender else "")
        return self.page.locator(f"{tid('chat-pane')} {sel}")

    def composer(self) -> Locator:
        return self.page.locator(tid("agent-composer-input"))

    def send(self, text: str) -> None:
        self.composer().fill(text)
        self.composer().press("Enter")

    def expect_sent(self, text: str) -> None:
        own = self.messages(sender="agent").filter(has_text=text)
        expect(own).to_have_count(1, timeout=TIMEOUT_MS)
        expect(own).to_have_attribute("data-state", "sent", timeout=TIMEOUT_MS)

    def screenshot(self, directory: Path, name: str) -> None:
        self.page.screenshot(path=str(directory / f"{name}.png"))


class AdminConsole:
    """A supervisor or admin in the admin console (/admin/)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def submit_login(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/admin/")
        self.page.locator(tid("login-username")).fill(username)
        self.page.locator(tid("login-password")).fill(password)
        self.page.locator(tid("login-submit")).click()

    def login(self, username: str = "admin", password: str = "admin123") -> None:
        self.submit_login(username, password)
        expect(self.page.locator(tid("admin-tab-faq"))).to_be_visible(timeout=TIMEOUT_MS)
        expect(self.page.locator(tid("faq-item")).first).to_be_visible(timeout=TIMEOUT_MS)

    def tab(self, name: str) -> None:
        self.page.locator(tid(f"admin-tab-{name}")).click()
        expect(self.page.locator(tid(f"admin-page-{name}"))).to_be_visible()

    def faq_row(self, question: str) -> Locator:
        """The list row whose question is exactly this text."""
        return self.page.locator(tid("faq-item")).filter(
            has=self.page.locator(tid("faq-item-question")).get_by_text(question, exact=True)
        )

    def editor(self) -> Locator:
        return self.page.locator(tid("faq-editor"))

    def fill_faq(
        self,
        question: str | None = None,
        answer: str | None = None,
        similar: list[str] | None = None,
        category: str | None = None,
    ) -> None:
        ed = self.editor()
        if question is not None:
            ed.locator(tid("faq-question")).fill(question)
        if similar is not None:
            ed.locator(tid("faq-similar")).fill("\n".join(similar))
        if answer is not None:
            ed.locator(tid("faq-answer")).fill(answer)
        if category is not None:
            ed.locator(tid("faq-category")).fill(category)

    def save_faq(self) -> None:
        self.editor().locator(tid("faq-save")).click()
        expect(self.editor()).to_have_count(0, timeout=TIMEOUT_MS)

    def try_question(self, text: str) -> Locator:
        """Ask 试一试 and wait for the answer to this text; returns the result box."""
        self.page.locator(tid("try-input")).fill(text)
        with self.page.expect_response("**/api/faq/try"):
            self.page.locator(tid("try-submit")).click()
        result = self.page.locator(tid("try-result"))
        expect(result).to_be_visible(timeout=TIMEOUT_MS)
        expect(result).to_contain_text(text)
        return result

    def screenshot(self, directory: Path, name: str, full_page: bool = False) -> None:
        self.page.screenshot(path=str(directory / f"{name}.png"), full_page=full_page)

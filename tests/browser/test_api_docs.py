"""/api/docs in Debian's chromium: Swagger UI, served from our own origin under the page CSP,
shows the REST operations of /api/openapi.json, with no console error and no request elsewhere."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS
from .conftest import ChatServer

pytestmark = pytest.mark.browser


def test_api_docs_show_the_operations(
    server: ChatServer, new_context, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page = new_context().new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{server.url}/api/docs")
    expect(page.locator(".info .title")).to_contain_text("chatserver REST API", timeout=TIMEOUT_MS)
    # Operations grouped by their Chinese tags, each with method, path and summary.
    expect(page.locator(".opblock-tag", has_text="集成接口")).to_be_visible()
    login = page.locator(".opblock-post", has_text="/api/auth/login")
    expect(login).to_contain_text("客服登录")
    listing = page.locator(".opblock-get", has_text="/api/integrations/conversations")
    expect(listing.first).to_be_visible()
    assert page.locator(".opblock").count() > 70
    page.screenshot(path=str(screenshot_dir / "api-docs-01-top.png"))

    # One operation opened: who may call it and what it answers.
    listing.first.locator(".opblock-summary").click()
    expect(listing.first).to_contain_text("conversations:read")
    expect(listing.first.locator(".responses-table")).to_contain_text("401")
    page.screenshot(path=str(screenshot_dir / "api-docs-02-operation.png"))

    assert problems == []
    assert hosts == {urlsplit(server.url).netloc}

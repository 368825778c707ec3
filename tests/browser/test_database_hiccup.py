"""A database hiccup while a shopper's widget reconnects: the server refuses the handshake as
`unavailable`, and the widget must keep its token and come back to the same conversation, not
start afresh as a stranger with an empty chat."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .browser_ui import TIMEOUT_MS, Shopper, tid

pytestmark = pytest.mark.browser

# The server's SQLite busy timeout (db/engine.py) is 10 s: a write lock held longer than that
# makes its handshake fail as `unavailable`.
BUSY_TIMEOUT_S = 10


def _conversations(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT count(*) FROM conversations").fetchone()[0])


def test_a_widget_refused_as_unavailable_keeps_its_conversation(
    server, phone, screenshot_dir: Path
) -> None:
    shopper = Shopper(phone.new_page(), server.url)
    shopper.open_shop()
    shopper.open_chat()
    shopper.send("我想问一下这件外套有没有加绒款")
    shopper.expect_sent("我想问一下这件外套有没有加绒款")
    # The bot's turn done: no write of ours is left to queue before the handshake.
    expect(shopper.messages(sender="bot").nth(1)).to_be_visible(timeout=TIMEOUT_MS)
    db_path = server.data_dir / "chatserver.db"
    before = _conversations(db_path)
    refused = "a shopper's connection was refused"
    refusals_before = server.log_tail(100_000).count(refused)

    # Another process holds the database's write lock: the reconnect's handshake waits for the
    # busy timeout, then is refused as `unavailable`.
    holder = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        phone.set_offline(True)
        offline = shopper.frame.locator(tid("chat-offline-banner"))
        expect(offline).to_be_visible(timeout=TIMEOUT_MS)
        phone.set_offline(False)
        # The handshake may queue behind the server's own writers (each waits out the timeout).
        deadline = time.monotonic() + 5 * BUSY_TIMEOUT_S
        while server.log_tail(100_000).count(refused) == refusals_before:
            assert time.monotonic() < deadline, "the handshake was never refused"
            shopper.page.wait_for_timeout(200)
        expect(offline).to_be_visible()
        shopper.screenshot(screenshot_dir, "60-phone-database-unavailable")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    expect(shopper.frame.locator(tid("chat-offline-banner"))).to_have_count(0, timeout=TIMEOUT_MS)
    shopper.expect_sent("我想问一下这件外套有没有加绒款")
    shopper.send("恢复后发的第二条")
    shopper.expect_sent("恢复后发的第二条")
    assert _conversations(db_path) == before
    shopper.page.reload()
    shopper.open_chat()
    expect(shopper.messages(sender="visitor")).to_have_count(2, timeout=TIMEOUT_MS)

"""Photos both ways in real chromium: a shopper on a phone sends one (with a failed upload
retried), the agent opens it large and sends photos back by pasting and dropping them."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, expect

from tests.browser.browser_ui import TIMEOUT_MS, Agent, Shopper, tid
from tests.browser.conftest import ChatServer
from tests.images import noisy_png, png, renamed_executable

pytestmark = pytest.mark.browser

# Slow enough that the progress bar is seen moving (about 3 s for the 0.6 MB photo).
SLOW_UPLOAD = {
    "offline": False,
    "latency": 0,
    "downloadThroughput": -1,
    "uploadThroughput": 200_000,
}

DROP_OR_PASTE = """([kind, b64, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, { type: 'image/png' }));
  const target = document.querySelector(kind === 'paste'
    ? '[data-testid="agent-composer-input"]' : '[data-testid="agent-composer"]');
  if (kind === 'paste') {
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  } else {
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }
}"""

# Every progress value the shopper's bubble shows, recorded as it changes.
WATCH_PROGRESS = """() => {
  window.__progress = [];
  new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="upload-progress"]');
    if (bar) window.__progress.push(Number(bar.dataset.progress));
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""


def expect_loaded(image: Locator) -> None:
    """The image is shown: its bytes came and decoded (a broken image has naturalWidth 0)."""
    expect(image).to_be_visible(timeout=TIMEOUT_MS)
    expect(image).to_have_js_property("complete", True, timeout=TIMEOUT_MS)
    assert image.evaluate("img => img.naturalWidth") > 0


def test_photos_both_ways(
    server: ChatServer,
    phone: BrowserContext,
    new_context,  # type: ignore[no-untyped-def]
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    agent = Agent(new_context().new_page(), server.url)
    agent.login()
    agent.set_status("online")

    page = phone.new_page()
    shopper = Shopper(page, server.url)
    shopper.open_shop()
    shopper.open_chat()
    frame = shopper.frame
    chat_frame = next(f for f in page.frames if "/widget/chat.html" in f.url)

    # 1. The first try fails (the network drops the upload): the photo stays, with 重试.
    first = tmp_path / "破损的包裹.png"
    first.write_bytes(png(640, 480, (180, 70, 40)))

    def drop_upload(route):  # type: ignore[no-untyped-def]
        route.abort()

    page.route("**/api/uploads", drop_upload)
    frame.locator(tid("photo-input")).set_input_files(str(first))
    failed = shopper.messages(sender="visitor").filter(has=frame.locator(tid("message-retry")))
    expect(failed).to_have_attribute("data-kind", "image", timeout=TIMEOUT_MS)
    expect(failed).to_have_attribute("data-state", "failed")
    expect(failed.locator(tid("message-status"))).to_contain_text("上传失败")
    shopper.screenshot(screenshot_dir, "photo-01-shopper-upload-failed")
    page.unroute("**/api/uploads", drop_upload)
    failed.locator(tid("message-retry")).click()
    sent = shopper.messages(sender="visitor").and_(frame.locator('[data-kind="image"][data-id]'))
    expect(sent).to_have_count(1, timeout=TIMEOUT_MS)
    expect_loaded(sent.locator(f"{tid('message-image')} img"))
    # A photo is for a person: the chat is handed over, and the agent gets it.
    expect(frame.locator(tid("chat-status"))).to_have_attribute(
        "data-status", "assigned", timeout=TIMEOUT_MS
    )

    # 2. A bigger photo over a slow connection: the progress bar moves, then the thumbnail.
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    chat_frame.evaluate(WATCH_PROGRESS)
    second = tmp_path / "吊牌.png"
    second.write_bytes(noisy_png(480, 420))
    frame.locator(tid("photo-input")).set_input_files(str(second))
    bar = frame.locator(tid("upload-progress"))
    expect(bar).to_be_visible(timeout=TIMEOUT_MS)
    expect(bar).not_to_have_attribute("data-progress", "0", timeout=TIMEOUT_MS)
    shopper.screenshot(screenshot_dir, "photo-02-shopper-uploading-360")
    expect(sent).to_have_count(2, timeout=30_000)
    expect(bar).to_have_count(0)
    cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
    seen = chat_frame.evaluate("() => window.__progress")
    assert any(0 < p < 100 for p in seen), seen
    assert seen == sorted(seen), seen
    expect_loaded(sent.nth(1).locator(f"{tid('message-image')} img"))
    assert (
        shopper.messages(sender="visitor").and_(frame.locator('[data-state="failed"]')).count() == 0
    )
    shopper.screenshot(screenshot_dir, "photo-03-shopper-sent-360")

    # 3. The agent sees both thumbnails and opens one large.
    photos = agent.messages(sender="visitor").locator(tid("agent-message-image"))
    expect(photos).to_have_count(2, timeout=TIMEOUT_MS)
    expect_loaded(photos.first.locator("img"))
    expect_loaded(photos.nth(1).locator("img"))
    agent.screenshot(screenshot_dir, "photo-04-agent-thumbnails")
    photos.first.click()
    lightbox = agent.page.locator(tid("lightbox"))
    expect(lightbox).to_be_visible()
    expect_loaded(lightbox.locator(tid("lightbox-image")))
    assert lightbox.locator(tid("lightbox-image")).evaluate("i => i.naturalWidth") == 640
    agent.screenshot(screenshot_dir, "photo-05-agent-lightbox")
    agent.page.locator(tid("lightbox-close")).click()
    expect(lightbox).to_have_count(0)

    # 4. The agent answers with photos: one pasted into the reply box, one dropped on it.
    pasted = base64.b64encode(png(300, 300, (30, 90, 200))).decode()
    dropped = base64.b64encode(png(400, 240, (240, 200, 40))).decode()
    agent.page.evaluate(DROP_OR_PASTE, ["paste", pasted, "pasted.png"])
    agent.page.evaluate(DROP_OR_PASTE, ["drop", dropped, "dropped.png"])
    mine = agent.messages(sender="agent").and_(agent.page.locator('[data-kind="image"][data-id]'))
    expect(mine).to_have_count(2, timeout=TIMEOUT_MS)
    for n in range(2):
        expect_loaded(mine.nth(n).locator(f"{tid('agent-message-image')} img"))
    agent.screenshot(screenshot_dir, "photo-06-agent-sent-photos")

    # A program renamed to .png is refused by the server: said plainly, no 重试, 移除 clears it.
    agent.page.locator(tid("agent-photo-input")).set_input_files(
        {"name": "发票.png", "mimeType": "image/png", "buffer": renamed_executable()}
    )
    refused = agent.messages(sender="agent").and_(agent.page.locator('[data-state="failed"]'))
    expect(refused).to_contain_text("不支持该格式", timeout=TIMEOUT_MS)
    expect(refused.locator(tid("agent-message-retry"))).to_have_count(0)
    refused.locator(tid("agent-message-remove")).click()
    expect(refused).to_have_count(0)

    # 5. The shopper gets them, and taps one to see it whole.
    back = shopper.messages(sender="agent").and_(frame.locator('[data-kind="image"]'))
    expect(back).to_have_count(2, timeout=TIMEOUT_MS)
    expect_loaded(back.nth(0).locator(f"{tid('message-image')} img"))
    expect_loaded(back.nth(1).locator(f"{tid('message-image')} img"))
    back.nth(1).locator(tid("message-image")).click()
    big = frame.locator(tid("lightbox-image"))
    expect_loaded(big)
    assert big.evaluate("i => i.naturalWidth") == 400
    shopper.screenshot(screenshot_dir, "photo-07-shopper-lightbox-360")
    frame.locator(tid("lightbox-close")).click()
    expect(frame.locator(tid("lightbox"))).to_have_count(0)

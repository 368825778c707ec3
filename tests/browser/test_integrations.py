"""The 集成 page in the browser: an admin creates an API key (shown once), adds a webhook
endpoint, presses 发送测试 and sees the delivery in the log; the receiver, a real HTTP server,
verifies the signature with the secret the console shows."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.sync_api import expect

from tests.webhook_receiver import Received, verify

from .browser_ui import TIMEOUT_MS, AdminConsole, tid
from .conftest import ChatServer, serving

pytestmark = pytest.mark.browser


class _Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[Received]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append(Received(dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write("已收到".encode())

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[Received]]]:
    received: ClassVar[list[Received]] = []
    handler = type("Hooks", (_Hooks,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/order-system/hooks", received
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def hooks_server(built_widget: Path, tmp_path: Path) -> Iterator[ChatServer]:
    """The server with local receivers allowed (the test's receiver is on 127.0.0.1)."""
    with serving(
        tmp_path,
        CHATSERVER_WEBHOOKS_ALLOW_PRIVATE="1",
        CHATSERVER_WEBHOOK_POLL_SECONDS="0.2",
    ) as srv:
        yield srv


def _get(url: str, key: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_an_admin_creates_a_key_and_an_endpoint_and_sees_a_test_delivered(
    hooks_server: ChatServer, new_context, receiver, screenshot_dir: Path
) -> None:
    hook_url, received = receiver
    console = AdminConsole(new_context().new_page(), hooks_server.url)
    page = console.page
    console.login()
    console.tab("integrations")

    # A key: named, scoped, shown once.
    page.locator(tid("api-key-new")).click()
    dialog = page.locator(tid("api-key-dialog"))
    dialog.locator(tid("api-key-name-input")).fill("订单系统 <script>")
    dialog.locator(tid("api-key-scope-messages:write")).check()
    dialog.locator(tid("api-key-create")).click()
    shown = page.locator(tid("api-key-secret"))
    expect(shown).to_be_visible(timeout=TIMEOUT_MS)
    secret = shown.input_value()
    assert secret.startswith("csk_") and len(secret) > 40
    page.screenshot(path=str(screenshot_dir / "integrations-01-key-shown-once.png"))
    page.locator(tid("api-key-secret-done")).click()
    row = page.locator(tid("api-key-row"))
    expect(row).to_have_count(1)
    expect(row.locator(tid("api-key-name"))).to_have_text("订单系统 <script>")
    expect(row.locator(tid("api-key-prefix"))).to_have_text(secret[:12] + "…")
    assert secret not in page.content()
    # The key works for what it may do.
    assert _get(hooks_server.url + "/api/integrations/conversations", secret) == 200

    # An endpoint, then 发送测试: the log shows it delivered with the receiver's answer.
    page.locator(tid("webhook-new")).click()
    form = page.locator(tid("webhook-dialog"))
    form.locator(tid("webhook-url-input")).fill(hook_url)
    form.locator(tid("webhook-create")).click()
    endpoint = page.locator(tid("webhook-row"))
    expect(endpoint).to_have_count(1, timeout=TIMEOUT_MS)
    expect(endpoint.locator(tid("webhook-url"))).to_have_text(hook_url)
    endpoint.locator(tid("webhook-test")).click()
    delivery = page.locator(tid("delivery-row"))
    expect(delivery).to_have_count(1, timeout=TIMEOUT_MS)
    expect(delivery).to_have_attribute("data-status", "delivered", timeout=TIMEOUT_MS)
    expect(delivery.locator(tid("delivery-status"))).to_have_text("已送达")
    expect(delivery.locator(tid("delivery-attempts"))).to_have_text("1")
    expect(delivery.locator(tid("delivery-response"))).to_contain_text("HTTP 200")
    expect(delivery.locator(tid("delivery-response"))).to_contain_text("已收到")
    page.screenshot(path=str(screenshot_dir / "integrations-02-test-delivered.png"), full_page=True)

    # The receiver checks the signature with the secret the console shows.
    endpoint.get_by_text("显示").click()
    signing_secret = endpoint.locator(tid("webhook-secret")).inner_text()
    assert len(received) == 1
    assert verify(received[0], signing_secret)
    assert json.loads(received[0].body)["type"] == "webhook.test"

"""A shop's own web site, embedding the widget the way shops do (tests of the loader)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Page, expect

from tests.images import photo_with_gps

from .browser_ui import TIMEOUT_MS, tid

# The product photo the shop's pages show (with a GPS position the server must strip).
PHOTO = photo_with_gps(600, 600, orientation=1)


class ShopSite:
    """A shop's own web site on another port of the loopback address: a different origin from
    the chat server, as shops embed us (a routed fake host would count as a public site, which
    Chrome forbids to load scripts from the loopback address)."""

    def __init__(self) -> None:
        self.html = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                # The product photo of its page, or the page.
                photo = self.path.endswith(".jpg")
                body = PHOTO if photo else site.html.encode()
                self.send_response(200)
                content_type = "image/jpeg" if photo else "text/html; charset=utf-8"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def open(self, page: Page, server_url: str, calls: list[list[Any]]) -> None:
        """A product page that embeds the loader; `calls` are queued before it loads."""
        self.serve(server_url, calls)
        page.goto(f"{self.origin}/item/1001.html", referer="https://www.baidu.com/")
        expect(page.locator(tid("chat-launcher"))).to_be_visible(timeout=TIMEOUT_MS)

    def serve(self, server_url: str, calls: list[list[Any]]) -> None:
        """What the product page is from its next load on (a navigation the page starts)."""
        self.html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>商品详情</title></head><body><h1>鹿鸣衣橱</h1><input id="search" value="不该被发送的搜索词">
<script>window.chatserverQueue = {json.dumps(calls, ensure_ascii=False)};</script>
<script src="{server_url}/widget/widget.js" data-shop="demo" async></script></body></html>"""

"""A real HTTP server that receives webhooks in tests, and verifies them as a shop's receiver
would (docs/protocol.md, "Webhooks")."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# A receiver refuses a timestamp further than this from its own clock (replays).
TOLERANCE_SECONDS = 300


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


def verify(received: Received, secret: str, now: float | None = None) -> bool:
    """What the receiver does: the timestamp is recent, and the HMAC of `timestamp.body` under
    the endpoint's secret matches the signature header (compared in constant time)."""
    timestamp = received.headers.get("X-Chatserver-Timestamp", "")
    signature = received.headers.get("X-Chatserver-Signature", "")
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, f"sha256={expected}")


@dataclass
class Receiver:
    """Answers each request with the next of `answers` (then `default`), recording them all."""

    answers: list[int] = field(default_factory=list)
    default: int = 200
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{bound}/hooks"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(Received(dict(request.headers), await request.read()))
        self._arrived.set()
        status = self.answers.pop(0) if self.answers else self.default
        return web.Response(status=status, text="收到" if status < 300 else "出错了")

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.requests if r.event["type"] == event_type]

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                types = [r.event["type"] for r in self.requests]
                raise AssertionError(f"condition not met within {timeout}s; received {types}")
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass

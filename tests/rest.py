"""One REST call, as the shop's systems and the console make them: over a real port for a
LiveServer, through aiohttp's TestClient for an InProcessApp (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from tests.conftest import ServedApp


async def call(
    server: ServedApp, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    """(status, JSON body), or the text of a text/plain answer."""
    return await server.call(method, path, token, body)

"""One REST call over a real HTTP client, as the shop's systems and the console make them."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.conftest import LiveServer


async def call(
    server: LiveServer, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    """(status, JSON body), or the text of a text/plain answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, server.url + path, headers=headers, json=body) as response,
    ):
        if response.content_type == "text/plain":
            return response.status, await response.text()
        return response.status, await response.json(content_type=None)

"""The HTTP side of webhooks (and of card images, services/image_fetch.py): a client that only ever connects to public addresses (checked
after DNS resolution, at every connection, so a name that resolves to 127.0.0.1 or the cloud
metadata address is refused too), and one signed POST."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from chatserver.domain import webhooks

CONNECT_TIMEOUT_SECONDS = 5.0
TOTAL_TIMEOUT_SECONDS = 10.0
NOT_PUBLIC = "接收地址不是公网地址，已拒绝发送"


class AddressRefused(OSError):
    pass


class PublicOnlyResolver(AbstractResolver):
    """Resolves as usual, then refuses the lot if any address is not public: a name that
    mixes a public and a private address is not trusted either."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results or not all(webhooks.is_public_address(r["host"]) for r in results):
            raise AddressRefused(NOT_PUBLIC)
        return results

    async def close(self) -> None:
        await self._inner.close()


def literal_host_refused(url: str) -> bool:
    """aiohttp connects to an IP literal without asking the resolver: checked here."""
    host = urlsplit(url).hostname or ""
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return not webhooks.is_public_address(host)


def client_session(
    *, allow_private: bool, user_agent: str = "chatserver-webhooks/1"
) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        resolver=None if allow_private else PublicOnlyResolver(),
        limit=20,
        # A fresh resolution per connection: a cached answer must not outlive its check.
        use_dns_cache=False,
        force_close=True,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(
            total=TOTAL_TIMEOUT_SECONDS, sock_connect=CONNECT_TIMEOUT_SECONDS
        ),
        headers={"User-Agent": user_agent},
    )


@dataclass(frozen=True)
class Attempt:
    ok: bool
    status: int | None = None
    response: str | None = None
    error: str | None = None


async def post_signed(
    http: aiohttp.ClientSession,
    *,
    url: str,
    secret: str,
    event_id: str,
    event_type: str,
    body: str,
    timestamp: int,
    allow_private: bool,
) -> Attempt:
    if not allow_private and literal_host_refused(url):
        return Attempt(False, error=NOT_PUBLIC)
    raw = body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        webhooks.EVENT_TYPE_HEADER: event_type,
        webhooks.EVENT_ID_HEADER: event_id,
        webhooks.TIMESTAMP_HEADER: str(timestamp),
        webhooks.SIGNATURE_HEADER: webhooks.sign(secret, timestamp, raw),
    }
    try:
        # Never follow a redirect: it could point anywhere, the checks above included.
        async with http.post(url, data=raw, headers=headers, allow_redirects=False) as response:
            text = (await response.content.read(webhooks.RESPONSE_KEEP_CHARS * 4)).decode(
                "utf-8", "replace"
            )[: webhooks.RESPONSE_KEEP_CHARS]
            return Attempt(200 <= response.status < 300, status=response.status, response=text)
    except AddressRefused:
        return Attempt(False, error=NOT_PUBLIC)
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, AddressRefused):
            return Attempt(False, error=NOT_PUBLIC)
        return Attempt(False, error=f"无法连接：{exc.os_error.__class__.__name__}")
    except TimeoutError:
        return Attempt(False, error="请求超时")
    except aiohttp.ClientError as exc:
        return Attempt(False, error=f"请求失败：{exc.__class__.__name__}")

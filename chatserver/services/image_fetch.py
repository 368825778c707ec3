"""Fetching a product image from a shop's page for a card: GET only, public addresses only
(webhook_http's resolver and literal check, again at every redirect hop), a few redirects,
a size cap read as the body arrives, and the webhook client's timeouts."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import aiohttp

from chatserver.services.webhook_http import AddressRefused, literal_host_refused

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)


class FetchRefused(Exception):
    """Why an image was not fetched (logged; the card keeps its placeholder)."""


def _check_url(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http(s) URL: {url[:200]}")
    if not allow_private and literal_host_refused(url):
        raise FetchRefused(f"not a public address: {parts.hostname}")


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise FetchRefused(f"declared {declared} bytes, more than {max_bytes}")
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise FetchRefused(f"more than {max_bytes} bytes")
    return bytes(body)


async def fetch_image_bytes(
    http: aiohttp.ClientSession,
    url: str,
    *,
    allow_private: bool,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> bytes:
    """The body at `url`, or FetchRefused. Redirects are followed by hand so each hop's
    scheme and address are checked like the first (the resolver checks names at connect)."""
    for _hop in range(max_redirects + 1):
        _check_url(url, allow_private=allow_private)
        try:
            async with http.get(url, allow_redirects=False) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchRefused(f"redirect {response.status} without Location")
                    url = urljoin(url, location)
                    continue
                if response.status != 200:
                    raise FetchRefused(f"HTTP {response.status}")
                return await _read_capped(response, max_bytes)
        except AddressRefused:
            raise FetchRefused("not a public address") from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, AddressRefused):
                raise FetchRefused("not a public address") from None
            raise FetchRefused(f"cannot connect: {exc.os_error.__class__.__name__}") from None
        except TimeoutError:
            raise FetchRefused("timed out") from None
        except aiohttp.ClientError as exc:
            raise FetchRefused(f"request failed: {exc.__class__.__name__}") from None
    raise FetchRefused(f"more than {max_redirects} redirects")

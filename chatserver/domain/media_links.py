"""Signed, expiring media URLs: `/media/KEY?exp=UNIX&sig=HMAC`.

Whoever holds a message may see its photo for a while; nobody can make a URL for a key they
were not given, nor stretch one past its expiry. The expiry is rounded up to a step, so every
message serialized within the same step carries the same URL and the browser's cache works.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

LINK_TTL_SECONDS = 3600
# URLs minted within one step share their expiry (and so their text): valid 60 to 90 minutes.
LINK_STEP_SECONDS = 1800
MEDIA_PATH = "/media/"


def signing_key(secret_key: str) -> bytes:
    """A key of its own, so a media signature is never a valid token digest or vice versa."""
    return hmac.new(secret_key.encode(), b"chatserver media links v1", hashlib.sha256).digest()


def expiry(now: float, ttl: int = LINK_TTL_SECONDS, step: int = LINK_STEP_SECONDS) -> int:
    return (int(now + ttl) // step + 1) * step


def signature(key: bytes, media_key: str, exp: int) -> str:
    digest = hmac.new(key, f"{media_key}\n{exp}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def signed_path(key: bytes, media_key: str, exp: int) -> str:
    return f"{MEDIA_PATH}{quote(media_key)}?exp={exp}&sig={signature(key, media_key, exp)}"


def verify(key: bytes, media_key: str, exp: str | None, sig: str | None, now: float) -> bool:
    """True for an unexpired URL signed by us for exactly this key."""
    # ASCII only: 「²」 passes isdigit() but not int(), and compare_digest refuses non-ASCII str.
    if not exp or not sig or len(exp) > 12 or len(sig) > 64:
        return False
    if not (exp.isascii() and exp.isdigit() and sig.isascii()):
        return False
    if int(exp) <= now:
        return False
    return hmac.compare_digest(signature(key, media_key, int(exp)).encode(), sig.encode())

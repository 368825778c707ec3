"""The shopper's upload ticket: `session.upload_token`, what the widget sends as
`Authorization: Visitor <ticket>` for a photo.

It is handed only to a socket that was let in for the visitor (their token, plus the verified
identity in this page load for a logged-in customer), so an upload is authorised the same way
a message is: a customer's stored token alone, on a shared computer, uploads into nobody's chat.
Signed under a key of its own (never a valid token digest or media signature) and expiring;
every `session` brings a fresh one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable

TICKET_TTL_SECONDS = 24 * 3600
PREFIX = "up1."
_TICKET = re.compile(r"up1\.([0-9]{1,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{32})")


def is_ticket(credential: str) -> bool:
    return credential.startswith(PREFIX)


class UploadTickets:
    def __init__(self, secret_key: str, clock: Callable[[], float] = time.time) -> None:
        self._key = hmac.new(
            secret_key.encode(), b"chatserver upload tickets v1", hashlib.sha256
        ).digest()
        self._clock = clock

    def _signature(self, visitor_id: int, exp: int) -> str:
        digest = hmac.new(self._key, f"{visitor_id}\n{exp}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def issue(self, visitor_id: int) -> str:
        exp = int(self._clock()) + TICKET_TTL_SECONDS
        return f"{PREFIX}{visitor_id}.{exp}.{self._signature(visitor_id, exp)}"

    def visitor_of(self, ticket: str) -> int | None:
        """The visitor a ticket we issued speaks for, or None (forged, expired, malformed)."""
        found = _TICKET.fullmatch(ticket)
        if found is None:
            return None
        visitor_id, exp = int(found[1]), int(found[2])
        if exp <= self._clock():
            return None
        expected = self._signature(visitor_id, exp)
        return visitor_id if hmac.compare_digest(expected, found[3]) else None

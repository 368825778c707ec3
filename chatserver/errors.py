"""The one error family: codes are the event contract's codes (docs/protocol.md)."""

from __future__ import annotations

from typing import Any, Literal

ErrorCode = Literal[
    "invalid_payload",
    "empty_text",
    "text_too_long",
    "not_found",
    "forbidden",
    "rate_limited",
    "conflict",
    "unavailable",
    "unauthorized",
    "too_large",
    "unsupported_media",
    "identity_refused",
    "prechat_required",
]

HTTP_STATUS: dict[str, int] = {
    "invalid_payload": 400,
    "empty_text": 400,
    "text_too_long": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "identity_refused": 403,
    "prechat_required": 409,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "unsupported_media": 415,
    "rate_limited": 429,
    "unavailable": 503,
}


class AppError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        # The request field at fault, so a form can show the message next to it.
        self.field = field
        # More for the client where one message is not enough (an import's bad rows).
        self.details = details or {}

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {**self.details, "code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)


def invalid(message: str, *, field: str | None = None) -> AppError:
    return AppError("invalid_payload", message, field=field)

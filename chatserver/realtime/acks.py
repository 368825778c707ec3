"""Turning a handler's result or AppError into the contract's ack, and an AppError at connect into
the refusal, each in exactly one place."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from chatserver.errors import AppError

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[dict[str, Any] | None]]


def error_ack(error: AppError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_body()}


def refused_connection(error: AppError) -> socketio.exceptions.ConnectionRefusedError:
    """A refused handshake. Given one argument python-socketio sends only its text as the
    `connect_error`'s message; with two the second becomes the error's `data`, which is where
    clients read the code (`err.data.code` in socket.io-client) to tell a retry from a refusal."""
    return socketio.exceptions.ConnectionRefusedError(error.message, error.to_body())


def acked(handler: Handler) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Wrap an event handler: `{"ok": true, **result}` or `{"ok": false, "error": …}`."""

    @functools.wraps(handler)
    async def wrapper(*args: Any) -> dict[str, Any]:
        try:
            result = await handler(*args)
        except AppError as error:
            return error_ack(error)
        except Exception:
            log.exception("event handler %s failed", handler.__name__)
            return error_ack(AppError("unavailable", "服务器暂时无法处理，请稍后重试"))
        return {"ok": True, **(result or {})}

    return wrapper

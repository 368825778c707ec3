"""Sending the first event of a connection once Socket.IO has really finished connecting.

python-socketio sends the CONNECT packet only after the connect handler returns, so an event
emitted inside the handler could reach the client first. We wait for the connection instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

log = logging.getLogger(__name__)
_background: set[asyncio.Task[Any]] = set()


async def _wait_connected(server: socketio.AsyncServer, sid: str, namespace: str) -> bool:
    for attempt in range(200):
        if server.manager.is_connected(sid, namespace):
            return True
        await asyncio.sleep(0 if attempt < 20 else 0.01)
    return False


def after_connect(
    server: socketio.AsyncServer, sid: str, namespace: str, send: Callable[[], Awaitable[None]]
) -> None:
    async def run() -> None:
        if not await _wait_connected(server, sid, namespace):
            return
        try:
            await send()
        except Exception:
            # The client sees no session/catch-up; dropping the socket makes it reconnect.
            log.exception("first events for %s on %s failed", sid, namespace)
            await server.disconnect(sid, namespace=namespace)

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)


async def cancel_pending() -> None:
    """Shutdown: stop first-event tasks still running, before the database closes."""
    tasks = list(_background)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

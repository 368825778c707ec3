"""The websocket under Engine.IO, without permessage-deflate.

aiohttp's `WebSocketResponse` accepts permessage-deflate whenever the client offers it (browsers
and Node's `ws` always do), and then keeps a zlib compressor and decompressor per connection:
about 100 KiB of server memory for every idle shopper, several times what the socket itself
costs. Our frames are small JSON (a message, an ack), where deflate saves little, so
connections are opened without it. Engine.IO's aiohttp driver builds the response itself and
has no option for this, hence the driver's websocket class is swapped for one that passes
`compress=False` (same code otherwise: engineio/async_drivers/aiohttp.py).
"""

from __future__ import annotations

from typing import Any

import socketio
from aiohttp.web import WebSocketResponse
from engineio.async_drivers import aiohttp as eio_aiohttp


class PlainWebSocket(eio_aiohttp.WebSocket):  # type: ignore[misc]
    async def __call__(self, environ: dict[str, Any]) -> WebSocketResponse:
        request = environ["aiohttp.request"]
        self._sock = WebSocketResponse(
            max_msg_size=self.server.max_http_buffer_size, compress=False
        )
        await self._sock.prepare(request)
        self.environ = environ
        await self.handler(self)
        return self._sock


def without_deflate(sio: socketio.AsyncServer) -> None:
    """Engine.IO keeps the driver's table shared by every server: give this one its own copy."""
    eio = sio.eio
    eio._async = {**eio._async, "websocket": PlainWebSocket}

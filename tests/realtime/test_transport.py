"""Websockets are opened without permessage-deflate (realtime/transport.py): its zlib state
cost ~90 KiB per idle shopper. A client that offers it still connects, uncompressed."""

from __future__ import annotations

import aiohttp

from tests.conftest import LiveServer


async def test_a_client_offering_deflate_gets_a_plain_websocket(server: LiveServer) -> None:
    url = f"{server.url}/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url, compress=15) as ws:
        assert ws.compress == 0  # the server's handshake answered without the extension
        opening = await ws.receive_str(timeout=5)
        assert opening.startswith("0{")  # Engine.IO's open packet: the connection works
    # A Socket.IO client (deflate offered or not) still connects and is greeted.
    shopper = await server.visitor()
    assert shopper.session["messages"][0]["seq"] == 1

"""Product card images through our own origin (actions/card_images.py): fetched from a real
local HTTP server after the ack, re-encoded, and shown through signed media URLs; refused for
private addresses by default, kept as the placeholder when the body is too big or no image."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from chatserver.db.models import CardImage, Message
from chatserver.services.image_fetch import MAX_IMAGE_BYTES
from tests.api.test_photos import fetch
from tests.conftest import AgentClient, LiveServer, Visitor
from tests.images import GPS_IFD, exif_of, photo_with_gps

PHOTO = photo_with_gps()


class ImageHost:
    """A shop's image server on 127.0.0.1: each path answers as the test set it up."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests.append(name)
        if name == "coat.jpg":
            return web.Response(body=PHOTO, content_type="image/jpeg")
        if name == "moved.jpg":
            raise web.HTTPFound("/coat.jpg")
        if name == "loop.jpg":
            raise web.HTTPFound("/loop.jpg")
        if name == "huge.jpg":
            # A JPEG's first bytes, then far more than the cap.
            return web.Response(body=PHOTO[:64] + b"\0" * (MAX_IMAGE_BYTES + 1))
        if name == "page.jpg":
            return web.Response(text="<html>商品页</html>", content_type="text/html")
        raise web.HTTPNotFound()


def product(image: str, sku: str = "SKU-1001") -> dict[str, Any]:
    return {"id": sku, "title": "羊毛大衣", "price": 599.0, "image": image, "url": None}


async def send_card(visitor: Visitor, card: dict[str, Any]) -> dict[str, Any]:
    ack = await visitor.call(
        "message", {"client_id": uuid.uuid4().hex, "kind": "product", "card": card}
    )
    assert ack["ok"], ack
    message: dict[str, Any] = ack["message"]
    # The ack never waits for the image: the card is stored with its placeholder first.
    assert "photo" not in message["meta"]["card"]
    return message


async def assigned_chat(server: LiveServer) -> tuple[Visitor, AgentClient]:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    await agent.wait_for("assigned")
    return visitor, agent


async def stored_card(server: LiveServer, message_id: int) -> dict[str, Any]:
    async with server.db.sessions() as session:
        message = await session.get_one(Message, message_id)
        return dict(message.meta["card"])


async def test_card_image_is_fetched_once_and_shown_through_signed_urls(
    trusting_server: LiveServer, host: ImageHost
) -> None:
    server = trusting_server
    visitor, agent = await assigned_chat(server)
    sent = await send_card(visitor, product(f"{host.url}/coat.jpg"))

    updated = await visitor.wait_for("message_updated", lambda m: m["id"] == sent["id"])
    seen = await agent.wait_for("message_updated", lambda m: m["id"] == sent["id"])
    assert seen["meta"]["card"] == updated["meta"]["card"]
    card = updated["meta"]["card"]
    # The shop's URL stays as sent; the image is ours, behind signed URLs, with no keys.
    assert card["image"] == f"{host.url}/coat.jpg"
    photo = card["photo"]
    assert photo["url"].startswith("/media/") and "sig=" in photo["thumb_url"]
    assert "key" not in photo and (photo["width"], photo["height"]) == (900, 1200)
    for url in (photo["url"], photo["thumb_url"]):
        status, headers, data = await fetch(server, url)
        assert status == 200, (url, data)
        assert headers["Content-Type"] == "image/jpeg"
        # Re-encoded: the phone's GPS and comment are gone.
        assert GPS_IFD not in exif_of(data) and b"home address" not in data
    status, _headers, _data = await fetch(server, photo["url"].replace("sig=", "sig=x"))
    assert status == 403

    # The same image on another card is not fetched again.
    again = await send_card(visitor, product(f"{host.url}/coat.jpg", sku="SKU-1002"))
    second = await visitor.wait_for("message_updated", lambda m: m["id"] == again["id"])
    assert second["meta"]["card"]["photo"]["width"] == 900
    assert host.requests.count("coat.jpg") == 1

    # A reloaded widget reads the card with its image.
    reloaded = await server.visitor(token=visitor.session["token"])
    history = {m["id"]: m for m in reloaded.session["messages"]}
    assert history[sent["id"]]["meta"]["card"]["photo"]["thumb_url"].startswith("/media/")


async def test_two_cards_of_one_image_at_once_fetch_it_once(
    trusting_server: LiveServer, host: ImageHost
) -> None:
    visitor, agent = await assigned_chat(trusting_server)
    first, second = await asyncio.gather(
        send_card(visitor, product(f"{host.url}/coat.jpg")),
        send_card(visitor, product(f"{host.url}/coat.jpg", sku="SKU-1002")),
    )
    for sent in (first, second):
        await agent.wait_for("message_updated", lambda m, sent=sent: m["id"] == sent["id"])
    assert host.requests == ["coat.jpg"]
    async with trusting_server.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CardImage)) == 1


async def test_redirects_are_followed_a_few_times(
    trusting_server: LiveServer, host: ImageHost
) -> None:
    visitor, _agent = await assigned_chat(trusting_server)
    moved = await send_card(visitor, product(f"{host.url}/moved.jpg"))
    updated = await visitor.wait_for("message_updated", lambda m: m["id"] == moved["id"])
    assert updated["meta"]["card"]["photo"]["height"] == 1200
    assert host.requests[:2] == ["moved.jpg", "coat.jpg"]

    looping = await send_card(visitor, product(f"{host.url}/loop.jpg", sku="SKU-2"))
    await trusting_server.settle()
    assert "photo" not in await stored_card(trusting_server, looping["id"])
    assert host.requests.count("loop.jpg") == 4  # the first request and three redirects


@pytest.mark.parametrize("name", ["huge.jpg", "page.jpg", "missing.jpg"])
async def test_a_bad_image_keeps_the_placeholder(
    trusting_server: LiveServer, host: ImageHost, name: str
) -> None:
    visitor, _agent = await assigned_chat(trusting_server)
    sent = await send_card(visitor, product(f"{host.url}/{name}"))
    await trusting_server.settle()
    assert host.requests == [name]
    assert "photo" not in await stored_card(trusting_server, sent["id"])
    assert visitor.received("message_updated") == []
    # The chat goes on: the shopper is never told of the failure.
    assert (await visitor.send("这件还有货吗"))["ok"]


async def test_private_addresses_are_refused_by_default(
    server: LiveServer, host: ImageHost
) -> None:
    visitor, _agent = await assigned_chat(server)
    sent = await send_card(visitor, product(f"{host.url}/coat.jpg"))
    named = await send_card(visitor, product("http://localhost:1/coat.jpg", sku="SKU-2"))
    await server.settle()
    assert host.requests == []
    for message in (sent, named):
        assert "photo" not in await stored_card(server, message["id"])
    async with server.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(CardImage)) == 0

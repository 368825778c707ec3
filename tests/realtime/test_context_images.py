"""The product on the shopper's screen (page context) and an order card's items get their
images through our own origin, as product cards do: fetched by the server from a real local
HTTP server, shown to staff through signed media URLs, never from the shop's host."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from chatserver.db.models import Visitor as VisitorRow
from tests.api.test_photos import fetch
from tests.conftest import LiveServer
from tests.realtime.test_card_images import ImageHost, assigned_chat, product


async def _signed_image(server: LiveServer, photo: dict[str, Any]) -> None:
    for url in (photo["url"], photo["thumb_url"]):
        assert url.startswith("/media/") and "sig=" in url, url
        status, headers, body = await fetch(server, url)
        assert status == 200 and headers["Content-Type"] == "image/jpeg" and body


async def test_the_product_on_screen_is_shown_to_the_agent_through_our_origin(
    trusting_server: LiveServer, host: ImageHost
) -> None:
    visitor, agent = await assigned_chat(trusting_server)
    coat = product(f"{host.url}/coat.jpg")
    ack = await visitor.call("context", {"product": coat})
    assert ack["ok"], ack
    assert "photo" not in ack["context"]["product"]  # the ack never waits for the fetch

    told = await agent.wait_for(
        "visitor_context", lambda c: "photo" in (c["context"].get("product") or {})
    )
    shown = told["context"]["product"]
    assert shown["image"] == coat["image"]  # the shop's link stays for reference only
    await _signed_image(trusting_server, shown["photo"])
    assert "key" not in shown["photo"]  # storage keys never leave the server
    assert host.requests == ["coat.jpg"]

    # The same product reported again (the next page load) keeps our copy: no new fetch.
    again = await visitor.call("context", {"product": coat, "page": {"url": "https://s.cn/b"}})
    assert again["ok"] and "photo" in again["context"]["product"], again
    await trusting_server.settle()
    assert host.requests == ["coat.jpg"]


async def test_the_product_on_screen_from_a_private_address_is_not_fetched_by_default(
    server: LiveServer, host: ImageHost
) -> None:
    visitor = await server.visitor()
    ack = await visitor.call("context", {"product": product(f"{host.url}/coat.jpg")})
    assert ack["ok"], ack
    await server.settle()
    assert host.requests == []
    async with server.db.sessions() as session:
        row = await session.scalar(
            select(VisitorRow).where(VisitorRow.id == visitor.session["visitor"]["id"])
        )
        assert row is not None and "photo" not in row.context["product"]


async def test_order_card_items_get_their_images_through_our_origin(
    trusting_server: LiveServer, host: ImageHost
) -> None:
    visitor, agent = await assigned_chat(trusting_server)
    order = {
        "order_no": "E20261130001",
        "status": "已发货",
        "amount": 1198.0,
        "items": [
            {"title": "羊毛大衣", "quantity": 1, "image": f"{host.url}/coat.jpg"},
            {"title": "围巾", "quantity": 1, "image": f"{host.url}/page.jpg"},
            {"title": "同款大衣", "quantity": 1, "image": f"{host.url}/coat.jpg"},
            {"title": "礼盒", "quantity": 1},
        ],
    }
    sent = await visitor.call(
        "message", {"client_id": uuid.uuid4().hex, "kind": "order", "card": order}
    )
    assert sent["ok"], sent
    updated = await agent.wait_for("message_updated", lambda m: m["id"] == sent["message"]["id"])
    items = updated["meta"]["card"]["items"]
    await _signed_image(trusting_server, items[0]["photo"])
    assert "photo" not in items[1]  # not an image: the placeholder stays
    assert items[2]["photo"]["url"] == items[0]["photo"]["url"]  # one fetch, one copy
    assert "photo" not in items[3]
    assert sorted(host.requests) == ["coat.jpg", "page.jpg"]
    mine = await visitor.wait_for("message_updated", lambda m: m["id"] == sent["message"]["id"])
    assert mine["meta"]["card"]["items"][0]["photo"]["url"] == items[0]["photo"]["url"]

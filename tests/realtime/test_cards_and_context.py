"""商品卡片 / 订单卡片 and the page context: validated by the server, stored, shown to the agent."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from chatserver.db.models import Message
from tests.conftest import LiveServer, Visitor

PRODUCT = {
    "id": "SKU-1001",
    "title": "羊毛混纺双排扣大衣 <b>加厚</b>",
    "price": 599.0,
    "image": "https://img.example.cn/coat.jpg",
    "url": "https://shop.example.cn/item/1001",
}
ORDER = {
    "order_no": "E20261130001",
    "status": "已发货",
    "items": [{"title": "羊毛大衣", "quantity": 1, "price": 599}],
    "amount": 599,
}


async def _card(visitor: Visitor, kind: str, card: Any) -> Any:
    return await visitor.call(
        "message", {"client_id": uuid.uuid4().hex, "kind": kind, "card": card}
    )


async def test_product_and_order_cards_reach_the_agent_as_cards(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    assigned = await agent.wait_for("assigned")
    conversation_id = assigned["conversation"]["id"]

    ack = await _card(visitor, "product", PRODUCT)
    assert ack["ok"], ack
    message = ack["message"]
    assert (
        message["kind"] == "product" and message["text"] == "[商品] 羊毛混纺双排扣大衣 <b>加厚</b>"
    )
    assert message["meta"]["card"] == {**PRODUCT}
    seen = await agent.wait_for("message", lambda m: m["kind"] == "product")
    assert seen["meta"]["card"]["url"] == PRODUCT["url"]
    assert seen["conversation_id"] == conversation_id

    ack = await _card(visitor, "order", ORDER)
    assert ack["ok"], ack
    order = (await agent.wait_for("message", lambda m: m["kind"] == "order"))["meta"]["card"]
    assert order["order_no"] == "E20261130001" and order["amount"] == 599
    assert order["items"] == [{"title": "羊毛大衣", "quantity": 1, "price": 599, "image": None}]

    # The history keeps them as cards.
    again = await server.visitor(token=visitor.session["token"])
    kinds = [m["kind"] for m in again.session["messages"]]
    assert "product" in kinds and "order" in kinds


BAD_CARDS: list[tuple[str, Any, str]] = [
    ("product", {**PRODUCT, "url": "javascript:alert(1)"}, "card.url"),
    ("product", {**PRODUCT, "url": "JavaScript:alert(1)"}, "card.url"),
    ("product", {**PRODUCT, "image": "data:image/png;base64,AAAA"}, "card.image"),
    ("product", {**PRODUCT, "image": "ftp://img.example.cn/a.jpg"}, "card.image"),
    ("product", {**PRODUCT, "url": 'https://shop.example.cn/" onerror="x'}, "card.url"),
    ("product", {**PRODUCT, "url": "https://" + "a" * 2000 + ".cn"}, "card.url"),
    ("product", {**PRODUCT, "title": "长" * 201}, "card.title"),
    ("product", {**PRODUCT, "title": ""}, "card.title"),
    ("product", {**PRODUCT, "price": "599"}, "card.price"),
    ("product", {**PRODUCT, "price": -1}, "card.price"),
    ("product", {**PRODUCT, "price": True}, "card.price"),
    ("product", {**PRODUCT, "id": None}, "card.id"),
    ("product", "SKU-1001", "card"),
    ("product", None, "card"),
    ("order", {**ORDER, "amount": "599元"}, "card.amount"),
    ("order", {**ORDER, "amount": None}, "card.amount"),
    ("order", {**ORDER, "order_no": "E2026 <x>"}, "card.order_no"),
    ("order", {**ORDER, "items": [{"title": "x", "quantity": 0}]}, "card.items.0.quantity"),
    ("order", {**ORDER, "items": [{"title": "x"}] * 21}, "card.items"),
    ("order", {**ORDER, "items": "羊毛大衣"}, "card.items"),
    ("order", {**ORDER, "status": "已" * 33}, "card.status"),
]


async def test_bad_cards_are_refused_with_the_field_and_nothing_is_stored(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    for kind, card, field in BAD_CARDS:
        ack = await _card(visitor, kind, card)
        assert not ack["ok"], (kind, card)
        assert ack["error"]["code"] == "invalid_payload", ack
        assert ack["error"].get("field") == field, (field, ack)
    ack = await _card(visitor, "coupon", PRODUCT)
    assert not ack["ok"] and ack["error"]["code"] == "invalid_payload"
    async with server.db.sessions() as session:
        cards = await session.scalar(
            select(func.count()).where(Message.kind.in_(["product", "order", "coupon"]))
        )
    assert cards == 0


async def test_page_context_and_product_reach_the_agent_bounded(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    first = {
        "url": "https://shop.example.cn/",
        "title": "首页",
        "referrer": "https://www.baidu.com/",
    }
    ack = await visitor.call("context", {"page": first})
    assert ack["ok"], ack
    await visitor.send("转人工")
    assigned = await agent.wait_for("assigned")
    brief = assigned["conversation"]["visitor"]
    assert brief["context"]["pages"][0]["title"] == "首页"
    assert brief["context"]["device"]["type"] in ("电脑", "未知设备", "手机")

    for n in range(12):
        page = {"url": f"https://shop.example.cn/item/{n}", "title": "商" * 300, "referrer": ""}
        ack = await visitor.call("context", {"page": page, "product": {**PRODUCT, "id": f"S{n}"}})
        assert ack["ok"], ack
    latest = await agent.wait_for(
        "visitor_context", lambda d: (d["context"].get("product") or {}).get("id") == "S11"
    )
    pages = latest["context"]["pages"]
    assert len(pages) == 10 and pages[-1]["url"].endswith("/item/11")
    assert all(len(p["title"]) == 200 for p in pages)
    assert latest["conversation_id"] == assigned["conversation"]["id"]

    # Clearing the product, and pages that are not http(s), are handled; bad shapes refused.
    ack = await visitor.call("context", {"product": None, "page": {"url": "javascript:x"}})
    assert ack["ok"] and ack["context"]["product"] is None
    assert ack["context"]["pages"][-1]["url"].endswith("/item/11")
    for bad in ("page", {"page": "首页"}, {"page": {"url": 5}}, {"product": {"id": "x"}}):
        ack = await visitor.call("context", bad)
        assert not ack["ok"] and ack["error"]["code"] == "invalid_payload", (bad, ack)


async def test_context_of_a_chat_with_the_bot_is_stored_but_told_to_nobody(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    ack = await visitor.call("context", {"page": {"url": "https://shop.example.cn/a"}})
    assert ack["ok"]
    await server.settle()
    assert agent.received("visitor_context") == []


async def test_page_query_strings_and_fragments_are_never_stored(server: LiveServer) -> None:
    visitor = await server.visitor()
    page = {
        "url": "https://shop.example.cn/search?q=%E6%8A%97%E6%8A%91%E9%83%81&token=s3cret#pay",
        "title": "搜索",
        "referrer": "https://passport.example.cn/login?next=/&ticket=abc#top",
    }
    ack = await visitor.call("context", {"page": page})
    assert ack["ok"], ack
    stored = ack["context"]["pages"][-1]
    assert stored["url"] == "https://shop.example.cn/search"
    assert stored["referrer"] == "https://passport.example.cn/login"
    assert "s3cret" not in str(ack) and "ticket" not in str(ack)


async def test_a_product_pages_id_survives_while_the_rest_of_its_query_goes(
    server: LiveServer,
) -> None:
    visitor = await server.visitor()
    page = {
        "url": "https://item.example.cn/item.htm?spm=a1z10.1&id=123&q=%E8%A1%A3&skuId=9-8#desc",
        "title": "羊毛大衣",
        "referrer": "https://s.example.cn/search?q=coat&item_id=55&token=s3cret",
    }
    ack = await visitor.call("context", {"page": page})
    assert ack["ok"], ack
    stored = ack["context"]["pages"][-1]
    assert stored["url"] == "https://item.example.cn/item.htm?id=123&skuId=9-8"
    assert stored["referrer"] == "https://s.example.cn/search?item_id=55"
    # A product key whose value is no identifier (a sentence, a URL) goes with the rest.
    odd = {"url": "https://shop.example.cn/p?id=%E6%88%91%20%E7%9A%84&sku=https://x.cn/a"}
    ack = await visitor.call("context", {"page": odd})
    assert ack["context"]["pages"][-1]["url"] == "https://shop.example.cn/p"

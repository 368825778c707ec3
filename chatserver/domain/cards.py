"""商品卡片 / 订单卡片: a product or an order the shopper sends into the chat with one tap.

The widget gets them from the shop's page (setProduct / sendOrder in the loader), so to the
server they are shopper input like any text: every field is checked for type and length, links
must be http(s), money must be a finite number. What passes is stored as the message's
`meta.card`; the message text is a short placeholder for lists and older clients.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from chatserver.domain.text import clean_stored_text
from chatserver.errors import invalid

CardKind = Literal["product", "order"]
CARD_KINDS: tuple[CardKind, ...] = ("product", "order")
MAX_TITLE = 200
MAX_URL = 2000
MAX_ITEMS = 20
MAX_MONEY = 100_000_000
MAX_QUANTITY = 99_999
_KEY = re.compile(r"[\x21-\x7e]{1,64}")


def _field(name: str, prefix: str) -> str:
    return f"{prefix}{name}"


def _text(value: Any, name: str, *, limit: int, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise invalid(f"{name} 不能为空", field=name)
        return None
    if not isinstance(value, str):
        raise invalid(f"{name} 必须是字符串", field=name)
    text = clean_stored_text(value)
    if text is None:
        raise invalid(f"{name} 包含无效字符", field=name)
    if len(text) > limit:
        raise invalid(f"{name} 不能超过 {limit} 个字符", field=name)
    if not text and required:
        raise invalid(f"{name} 不能为空", field=name)
    return text or None


def _key(value: Any, name: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise invalid(f"{name} 必须是 1 到 64 个字母、数字或符号", field=name)
    return value


def _url(value: Any, name: str) -> str | None:
    """An absolute http(s) link, or None. javascript:, data: and the like are refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_URL or not value.isascii():
        raise invalid(f"{name} 必须是不超过 {MAX_URL} 个字符的 http(s) 链接", field=name)
    if any(c in value for c in " \t\r\n\"'<>\\"):
        raise invalid(f"{name} 不是有效的链接", field=name)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid(f"{name} 只能是 http 或 https 链接", field=name)
    return value


def _money(value: Any, name: str, *, required: bool) -> float | None:
    if value is None:
        if required:
            raise invalid(f"{name} 不能为空", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{name} 必须是数字", field=name)
    if not math.isfinite(value) or not 0 <= value <= MAX_MONEY:
        raise invalid(f"{name} 必须在 0 到 {MAX_MONEY} 之间", field=name)
    return round(float(value), 2)


def parse_product(raw: Any, prefix: str = "card.") -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid("商品信息格式不正确", field="card")
    return {
        "id": _key(raw.get("id"), _field("id", prefix)),
        "title": _text(raw.get("title"), _field("title", prefix), limit=MAX_TITLE, required=True),
        "price": _money(raw.get("price"), _field("price", prefix), required=False),
        "image": _url(raw.get("image"), _field("image", prefix)),
        "url": _url(raw.get("url"), _field("url", prefix)),
    }


def _item(raw: Any, index: int) -> dict[str, Any]:
    prefix = f"card.items.{index}."
    if not isinstance(raw, dict):
        raise invalid("订单商品格式不正确", field=f"card.items.{index}")
    quantity = raw.get("quantity", 1)
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise invalid("quantity 必须是整数", field=prefix + "quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise invalid(f"quantity 必须在 1 到 {MAX_QUANTITY} 之间", field=prefix + "quantity")
    return {
        "title": _text(raw.get("title"), prefix + "title", limit=MAX_TITLE, required=True),
        "quantity": quantity,
        "price": _money(raw.get("price"), prefix + "price", required=False),
        "image": _url(raw.get("image"), prefix + "image"),
    }


def parse_order(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid("订单信息格式不正确", field="card")
    items = raw.get("items", [])
    if not isinstance(items, list):
        raise invalid("items 必须是列表", field="card.items")
    if len(items) > MAX_ITEMS:
        raise invalid(f"一个订单最多 {MAX_ITEMS} 件商品", field="card.items")
    return {
        "order_no": _key(raw.get("order_no"), "card.order_no"),
        "status": _text(raw.get("status"), "card.status", limit=32, required=False),
        "items": [_item(item, i) for i, item in enumerate(items)],
        "amount": _money(raw.get("amount"), "card.amount", required=True),
    }


def parse_card(kind: CardKind, raw: Any) -> dict[str, Any]:
    return parse_product(raw) if kind == "product" else parse_order(raw)


def card_text(kind: CardKind, card: dict[str, Any]) -> str:
    """The placeholder text of a card message (lists, notifications, older clients)."""
    if kind == "product":
        return f"[商品] {card['title']}"
    return f"[订单] {card['order_no']}"

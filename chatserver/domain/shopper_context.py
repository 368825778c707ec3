"""What the widget tells staff about where the shopper is: the product on screen, the pages of
this visit, the device and browser. Bounded (the last MAX_PAGES pages, every string capped) and
never anything the shopper typed on the shop's page: the loader sends only URL, title, referrer
and the product the shop set; the device comes from the socket's own User-Agent header.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from chatserver.domain.cards import parse_product
from chatserver.domain.text import clean_stored_text
from chatserver.errors import invalid

MAX_PAGES = 10
MAX_PAGE_URL = 1000
MAX_PAGE_TITLE = 200
# Query keys that name the product on a shop's page (`item.htm?id=123`); every other key can
# hold search terms, tracking ids or tokens and is dropped. The loader keeps the same list.
PRODUCT_QUERY_KEYS = frozenset(
    {
        "id",
        "sku",
        "sku_id",
        "skuid",
        "item",
        "item_id",
        "itemid",
        "product",
        "product_id",
        "productid",
        "goods_id",
        "goodsid",
        "spu",
        "spu_id",
    }
)
# A product key's value is an identifier, not a sentence: anything else is dropped with the rest.
_QUERY_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _capped(value: Any, name: str, limit: int) -> str:
    """Page data is the browser's, not typed: over-long values are cut, not refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid(f"{name} 必须是字符串", field=name)
    return (clean_stored_text(value) or "")[:limit]


def product_query(query: str) -> str:
    """The part of a query string that names a product (PRODUCT_QUERY_KEYS, identifier values),
    in its order; everything else goes."""
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=False)
        if key.lower() in PRODUCT_QUERY_KEYS and _QUERY_VALUE.fullmatch(value)
    ]
    return urlencode(kept)


def _page_url(value: Any, name: str) -> str:
    """Scheme, host, path and the product keys of the query only: the rest of a query and the
    fragment can hold search terms or tokens."""
    if isinstance(value, str):
        address, _, rest = value.partition("#")[0].partition("?")
        query = product_query(rest)
        value = f"{address}?{query}" if query else address
    text = _capped(value, name, MAX_PAGE_URL)
    if text and not re.match(r"https?://", text, re.IGNORECASE):
        return ""  # a file: or javascript: page is not worth showing, nor clicking
    return text


def parse_page(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise invalid("page 格式不正确", field="page")
    return {
        "url": _page_url(raw.get("url"), "page.url"),
        "title": _capped(raw.get("title"), "page.title", MAX_PAGE_TITLE),
        "referrer": _page_url(raw.get("referrer"), "page.referrer"),
    }


def parse_context_update(raw: Any) -> tuple[dict[str, str] | None, dict[str, Any] | None, bool]:
    """(page, product, product_given): `product: null` clears the product on screen."""
    if not isinstance(raw, dict):
        raise invalid("context 格式不正确")
    page = parse_page(raw["page"]) if raw.get("page") is not None else None
    given = "product" in raw
    product = parse_product(raw["product"], "product.") if raw.get("product") is not None else None
    return page, product, given


_BROWSERS = (
    ("MicroMessenger", "微信"),
    ("AlipayClient", "支付宝"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("UCBrowser", "UC 浏览器"),
    ("QQBrowser", "QQ 浏览器"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("HarmonyOS", "鸿蒙"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def image_to_fetch(context: dict[str, Any] | None) -> str | None:
    """The product on screen's image when the server has no copy of it yet: staff see it only
    through our own origin, like a card's (actions/card_images.py)."""
    product = (context or {}).get("product") or {}
    image = product.get("image")
    return image if isinstance(image, str) and image and "photo" not in product else None


def describe_device(user_agent: str | None) -> dict[str, str]:
    """「手机 · Android · 微信」 from a User-Agent header, as far as it can honestly be told."""
    ua = (user_agent or "")[:500]
    browser = next((name for key, name in _BROWSERS if key in ua), "未知浏览器")
    system = next((name for key, name in _SYSTEMS if key in ua), "未知系统")
    mobile = "Mobi" in ua or "iPhone" in ua or ("Android" in ua and "Mobile" in ua)
    tablet = "iPad" in ua or ("Android" in ua and not mobile)
    kind = "平板" if tablet else "手机" if mobile else "电脑" if ua else "未知设备"
    return {"type": kind, "os": system, "browser": browser}


def updated_context(
    current: dict[str, Any] | None,
    *,
    page: dict[str, str] | None,
    product: dict[str, Any] | None,
    product_given: bool,
    device: dict[str, str] | None,
    now: datetime,
) -> dict[str, Any]:
    """The stored context after one report: a new page goes on the end (a reload of the same
    page does not), only the last MAX_PAGES are kept."""
    context = dict(current or {})
    pages = list(context.get("pages") or [])
    if page is not None and page["url"] and (not pages or pages[-1].get("url") != page["url"]):
        pages.append({**page, "at": now.isoformat()})
    context["pages"] = pages[-MAX_PAGES:]
    if product_given:
        earlier = context.get("product") or {}
        # The same image as before keeps the copy the server already fetched (actions/card_images.py).
        if product and product.get("image") and earlier.get("image") == product["image"]:
            if "photo" in earlier:
                product = {**product, "photo": earlier["photo"]}
        context["product"] = product
    if device is not None:
        context["device"] = device
    return context

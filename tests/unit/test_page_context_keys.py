"""The loader and the server drop the same query keys from page addresses: a key the loader
kept and the server dropped would vanish silently, one the server kept but the loader never
sends would be dead code. Both lists are read from their sources."""

from __future__ import annotations

import re
from pathlib import Path

from chatserver.domain.shopper_context import PRODUCT_QUERY_KEYS

LOADER = Path(__file__).resolve().parents[2] / "widget" / "src" / "loader" / "widget.ts"


def test_the_loader_keeps_exactly_the_query_keys_the_server_keeps() -> None:
    source = LOADER.read_text(encoding="utf-8")
    found = re.search(r"PRODUCT_QUERY_KEYS = new Set\(\[(.*?)\]\)", source, re.S)
    assert found, "the loader's PRODUCT_QUERY_KEYS list moved: update this test's pattern"
    loader_keys = set(re.findall(r"'([^']+)'", found.group(1)))
    assert loader_keys == set(PRODUCT_QUERY_KEYS)

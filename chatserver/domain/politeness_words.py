"""The word lists of the politeness check: data, with defaults drawn from the shop manuals.

Manual 001: say 您, never 你, to a shopper; never call a shopper 姐姐 (nor 美女, 亲爱的 …); no
dialect or internet slang (网络用语、方言); no arguing or lecturing (教训、争辩顶撞); never brush a
shopper off (不得推诿、搪塞) — a bare 不知道 / 没办法 is exactly that. Each shop may replace any
list (stored on the shop; a list left at null follows these defaults, also when they improve).

The manual itself allows 妹妹 and mm for young shoppers; the defaults leave them alone. 亲 is
Taobao's house style, but the product brief counts it as a form of address to avoid (「亲你等等呗」
must be flagged); a shop that wants it can take it off its list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Final, Literal

# (word, replacement): None = flag only (no standard word fits), "" = simply leave it out.
Term = tuple[str, str | None]

Category = Literal["address", "slang", "arguing", "refusal", "keep"]
CATEGORIES: Final[tuple[Category, ...]] = ("address", "slang", "arguing", "refusal", "keep")
# Categories whose entries carry a replacement; the others are plain words.
TERM_CATEGORIES: Final[frozenset[str]] = frozenset({"slang", "arguing", "refusal"})


@dataclass(frozen=True, slots=True)
class PolitenessWords:
    """What the check looks for. Hashable, so compiled patterns can be cached per value."""

    # Forms of address never to use for a shopper (removed, or replaced by 您).
    address: tuple[str, ...]
    # Internet slang and dialect, with the standard word that replaces it.
    slang: tuple[Term, ...]
    # Arguing and lecturing phrases, with a softer sentence to say instead.
    arguing: tuple[Term, ...]
    # Brush-offs that must not stand alone, with a helpful form.
    refusal: tuple[Term, ...]
    # Words never touched: product and brand names, and words that merely contain 你 or 亲
    # (迷你). Quoted text (「」“”"") is never touched either.
    keep: tuple[str, ...]


_CHECK_AGAIN = "这个我帮您确认一下"
_FIND_A_WAY = "我帮您看看还有什么办法"
_EXPLAIN_AGAIN = "我再为您说明一下"
_UNCLEAR = "不知道我解释清楚了没有"
_MY_FAULT = "可能是我没有解释清楚"
_INTRODUCE = "我来为您介绍一下"
_TOGETHER = "我们一起看看怎么解决"
_COLLEAGUE = "我帮您联系负责的同事"
_RIGHT_AWAY = "没关系，我这就为您处理"

DEFAULT_WORDS: Final = PolitenessWords(
    address=(
        "亲爱的", "亲亲", "亲们", "亲", "小姐姐", "姐姐", "大姐", "姐", "美女", "帅哥",
        "小哥哥", "哥哥", "大哥", "哥", "老铁", "宝子", "家人们", "集美",
    ),
    slang=(
        ("哈", ""), ("呗", "吧"), ("啥子", "什么"), ("啥", "什么"), ("咋", "怎么"),
        ("有木有", "有没有"), ("木有", "没有"), ("莫得", "没有"), ("么得", "没有"),
        ("酱紫", "这样子"), ("神马", "什么"), ("肿么", "怎么"), ("介个", "这个"),
        ("撒子", "什么"), ("干哈", "干什么"), ("嘎哈", "干什么"), ("晓得", "知道"),
        ("造吗", "知道吗"), ("俺", "我"), ("好滴", "好的"), ("好哒", "好的"),
        ("么么哒", ""), ("尊嘟", "真的"), ("绝绝子", "非常好"), ("yyds", None),
    ),
    arguing=(
        ("我说过了", _EXPLAIN_AGAIN), ("已经说过了", _EXPLAIN_AGAIN),
        ("跟你说了", _EXPLAIN_AGAIN), ("不是说了吗", _EXPLAIN_AGAIN),
        ("说了多少遍", _EXPLAIN_AGAIN), ("你听我说", "麻烦您听我解释一下"),
        ("你懂不懂", _UNCLEAR), ("你明白吗", _UNCLEAR), ("明白了吗", _UNCLEAR),
        ("懂了吗", _UNCLEAR), ("你搞错了", _MY_FAULT), ("你弄错了", _MY_FAULT),
        ("你自己看", _INTRODUCE), ("自己看吧", _INTRODUCE), ("你看清楚", _INTRODUCE),
        ("没看到吗", _INTRODUCE), ("你没看详情", _INTRODUCE),
        ("不是我们的问题", _TOGETHER), ("这是你的问题", _TOGETHER),
        ("你自己的问题", _TOGETHER), ("不关我们的事", _COLLEAGUE), ("不归我管", _COLLEAGUE),
        ("爱买不买", "您可以再考虑一下"), ("随便你", "您看怎么方便"), ("你想多了", "您放心"),
        ("早干嘛去了", _RIGHT_AWAY), ("怎么不早说", _RIGHT_AWAY),
    ),
    refusal=(
        ("不知道", _CHECK_AGAIN), ("不清楚", _CHECK_AGAIN), ("不晓得", _CHECK_AGAIN),
        ("没办法", _FIND_A_WAY), ("没法弄", _FIND_A_WAY), ("办不了", _FIND_A_WAY),
    ),
    keep=(
        "迷你", "花呗", "借呗", "哈尔滨", "哈密", "哈士奇", "美女模特", "姐妹装",
        "亲爱的顾客", "亲爱的客户", "亲爱的买家", "亲爱的会员",
    ),
)  # fmt: skip


# ---- per-shop lists: stored as {category: [...]} for the categories the shop changed ----------


def term_to_wire(term: Term) -> dict[str, Any]:
    return {"word": term[0], "replacement": term[1]}


def words_to_wire(words: PolitenessWords) -> dict[str, list[Any]]:
    """The contract's shape: plain words for address/keep, {word, replacement} for the rest."""
    wire: dict[str, list[Any]] = {}
    for category in CATEGORIES:
        entries = getattr(words, category)
        wire[category] = (
            [term_to_wire(t) for t in entries] if category in TERM_CATEGORIES else list(entries)
        )
    return wire


def _entries(category: str, stored: list[Any]) -> tuple[Any, ...]:
    """Stored lists were validated when saved (commands/politeness.py); anything else found
    there is skipped rather than trusted."""
    if category not in TERM_CATEGORIES:
        return tuple(w for w in stored if isinstance(w, str) and w)
    terms: list[Term] = []
    for item in stored:
        if isinstance(item, dict) and isinstance(item.get("word"), str) and item["word"]:
            replacement = item.get("replacement")
            terms.append((item["word"], replacement if isinstance(replacement, str) else None))
    return tuple(terms)


def with_overrides(stored: Mapping[str, Any] | None) -> PolitenessWords:
    """The effective lists of a shop: its own lists where it has them, the defaults elsewhere."""
    if not stored:
        return DEFAULT_WORDS
    return _cached_overrides(json.dumps(dict(stored), sort_keys=True, ensure_ascii=False))


@lru_cache(maxsize=256)
def _cached_overrides(stored_json: str) -> PolitenessWords:
    stored = json.loads(stored_json)
    changes = {
        category: _entries(category, stored[category])
        for category in CATEGORIES
        if isinstance(stored.get(category), list)
    }
    return replace(DEFAULT_WORDS, **changes)


def customised(stored: Mapping[str, Any] | None) -> list[str]:
    """The categories this shop has its own list for."""
    return [c for c in CATEGORIES if stored and isinstance(stored.get(c), list)]

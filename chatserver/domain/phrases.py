"""Standard phrases' shortcuts (快捷词) and how a typed `/query` ranks them. No I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SHORTCUT_MAX = 16
_SHORTCUT = re.compile(r"[a-z0-9_-]{1,16}")


def normalize_shortcut(value: str) -> str | None:
    """The shortcut as stored (trimmed, lower case), or None when it breaks the rule.

    Short ASCII tokens (dh, thanks, size-m) are typed without switching the input method.
    """
    token = value.strip().lower()
    return token if _SHORTCUT.fullmatch(token) else None


SHORTCUT_RULE = f"快捷词只能是 1-{SHORTCUT_MAX} 个英文字母、数字、下划线或短横线"


@dataclass(frozen=True)
class ShortcutEntry:
    id: int
    shortcut: str


def shortcut_hits(query: str, entries: Iterable[ShortcutEntry]) -> list[int]:
    """Ids whose shortcut starts with the query: the exact one first, then shorter ones, then
    alphabetical. An empty query lists them all alphabetically; a query that cannot be a
    shortcut (Chinese text, spaces) hits nothing."""
    token = query.strip().lower()
    if not token:
        return [entry.id for entry in sorted(entries, key=lambda entry: entry.shortcut)]
    if normalize_shortcut(token) is None:
        return []
    hits = [entry for entry in entries if entry.shortcut.startswith(token)]
    hits.sort(key=lambda entry: (entry.shortcut != token, len(entry.shortcut), entry.shortcut))
    return [entry.id for entry in hits]

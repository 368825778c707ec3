"""FAQ entries: the FaqEntry record and loading entries from JSON files."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "FaqEntry",
    "FaqFileError",
    "entries_from_json",
    "load_default_faq",
    "load_entries",
]


class FaqFileError(ValueError):
    """A FAQ file cannot be read or one of its entries is malformed."""


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ item: the canonical question, its paraphrases and the answer."""

    id: str
    question: str
    answer: str
    similar: tuple[str, ...] = ()
    category: str = ""
    enabled: bool = True

    def questions(self) -> tuple[str, ...]:
        """The canonical question followed by its similar questions."""
        return (self.question, *self.similar)


_REQUIRED_TEXT_FIELDS = ("id", "question", "answer")
_KNOWN_FIELDS = frozenset({"id", "question", "answer", "similar", "category", "enabled"})


def _describe(position: int, raw: Any) -> str:
    """Name an entry in error messages by position and, when readable, by id."""
    entry_id = raw.get("id") if isinstance(raw, Mapping) else None
    if isinstance(entry_id, str) and entry_id:
        return f"entry #{position} (id {entry_id!r})"
    return f"entry #{position}"


def _entry_from_mapping(position: int, raw: Any) -> FaqEntry:
    where = _describe(position, raw)
    if not isinstance(raw, Mapping):
        raise FaqFileError(f"{where}: expected an object, got {type(raw).__name__}")
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise FaqFileError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for field in _REQUIRED_TEXT_FIELDS:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            raise FaqFileError(f"{where}: field {field!r} must be a non-empty string")
    similar = raw.get("similar", [])
    if not isinstance(similar, list) or not all(isinstance(s, str) for s in similar):
        raise FaqFileError(f"{where}: field 'similar' must be a list of strings")
    category = raw.get("category", "")
    if not isinstance(category, str):
        raise FaqFileError(f"{where}: field 'category' must be a string")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise FaqFileError(f"{where}: field 'enabled' must be true or false")
    return FaqEntry(
        id=raw["id"].strip(),
        question=raw["question"].strip(),
        answer=raw["answer"].strip(),
        similar=tuple(s.strip() for s in similar if s.strip()),
        category=category.strip(),
        enabled=enabled,
    )


def entries_from_json(data: Any) -> list[FaqEntry]:
    """Validate decoded JSON (a list of entry objects) and return the entries."""
    if not isinstance(data, list):
        raise FaqFileError(f"expected a JSON list of entries, got {type(data).__name__}")
    entries = [_entry_from_mapping(position, raw) for position, raw in enumerate(data)]
    _reject_duplicate_ids(entries)
    return entries


def _reject_duplicate_ids(entries: Iterable[FaqEntry]) -> None:
    seen: dict[str, int] = {}
    for position, entry in enumerate(entries):
        if entry.id in seen:
            raise FaqFileError(
                f"entry #{position} (id {entry.id!r}): duplicate id, "
                f"already used by entry #{seen[entry.id]}"
            )
        seen[entry.id] = position


def load_entries(path: str | Path) -> list[FaqEntry]:
    """Read a JSON FAQ file; raise FaqFileError naming the file and the bad entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FaqFileError(f"{path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise FaqFileError(f"{path}: not UTF-8 text") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FaqFileError(
            f"{path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from error
    try:
        return entries_from_json(data)
    except FaqFileError as error:
        raise FaqFileError(f"{path}: {error}") from error


def load_default_faq() -> list[FaqEntry]:
    """The default shop FAQ shipped with the package (faq/data/default_faq.json)."""
    text = resources.files("faq").joinpath("data/default_faq.json").read_text(encoding="utf-8")
    return entries_from_json(json.loads(text))

"""What the agent panel and the admin console send about politeness (docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.chat import parse_conversation_id
from chatserver.domain.politeness_words import CATEGORIES, TERM_CATEGORIES
from chatserver.domain.text import MAX_TEXT_LENGTH, clean_stored_text
from chatserver.errors import AppError, invalid

# Caps on a shop's lists: enough for a shop's own slang and product names, small enough that
# the patterns compile in well under a millisecond and the console stays usable.
MAX_ENTRIES = 100
MAX_WORD = 20
MAX_REPLACEMENT = 30

LIST_LABELS = {
    "address": "禁用称呼",
    "slang": "网络用语和方言",
    "arguing": "争辩说教",
    "refusal": "推脱的话",
    "keep": "不改动的词",
}


def _optional_conversation_id(value: Any) -> int | None:
    return None if value is None else parse_conversation_id(value)


def _draft_text(value: Any) -> str:
    """The draft exactly as typed (the findings' offsets point into it); empty is fine."""
    if not isinstance(value, str):
        raise invalid("text 必须是字符串")
    if len(value) > MAX_TEXT_LENGTH:
        raise AppError("text_too_long", f"消息不能超过 {MAX_TEXT_LENGTH} 个字符")
    if clean_stored_text(value) is None:
        raise invalid("消息包含无效字符")
    return value


class DraftCheck(Command):
    """`check_draft` on /agent: is this draft polite, and how would it read politely?"""

    shape_error: ClassVar[str] = "请求格式不正确"
    conversation_id: Annotated[
        int | None, PlainValidator(_optional_conversation_id, json_schema_input_type=int | None)
    ] = None
    text: Annotated[str, PlainValidator(_draft_text, json_schema_input_type=str)]


def _word(category: str, value: Any, what: str, limit: int) -> str:
    label = LIST_LABELS[category]
    if not isinstance(value, str):
        raise invalid(f"{label}：{what}必须是文字", field=category)
    cleaned = clean_stored_text(value)
    if cleaned is None or "\n" in cleaned or "\r" in cleaned:
        raise invalid(f"{label}：{what}包含无效字符", field=category)
    if len(cleaned) > limit:
        raise AppError(
            "text_too_long", f"{label}：「{cleaned[:limit]}…」超过 {limit} 个字", field=category
        )
    return cleaned


def _list_rule(category: str) -> PlainValidator:
    """A list, or None (absent or null): that category follows the defaults."""
    label = LIST_LABELS[category]
    with_replacement = category in TERM_CATEGORIES

    def validate(value: Any) -> list[Any] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise invalid(f"{label}必须是列表", field=category)
        if len(value) > MAX_ENTRIES:
            raise invalid(f"{label}最多 {MAX_ENTRIES} 条", field=category)
        entries: dict[str, Any] = {}
        for item in value:
            if with_replacement:
                if not isinstance(item, dict):
                    raise invalid(f"{label}的每一条必须是 {{word, replacement}}", field=category)
                word = _word(category, item.get("word"), "词语", MAX_WORD)
                raw = item.get("replacement")
                replacement = (
                    None if raw is None else _word(category, raw, "替换说法", MAX_REPLACEMENT)
                )
                if word and "=" in word:
                    raise invalid(f"{label}：词语里不能有“=”", field=category)
                if word:
                    entries.setdefault(word, {"word": word, "replacement": replacement})
            else:
                word = _word(category, item, "词语", MAX_WORD)
                if word:
                    entries.setdefault(word, word)
        return list(entries.values())

    return PlainValidator(validate, json_schema_input_type=list[Any])


AddressList = Annotated[list[Any] | None, _list_rule("address")]
SlangList = Annotated[list[Any] | None, _list_rule("slang")]
ArguingList = Annotated[list[Any] | None, _list_rule("arguing")]
RefusalList = Annotated[list[Any] | None, _list_rule("refusal")]
KeepList = Annotated[list[Any] | None, _list_rule("keep")]


class PolitenessUpdate(Command):
    """`PUT /api/politeness`: the shop's lists. A list replaces that category's defaults; a
    category absent or null follows the defaults (empty lines are dropped, duplicates kept once)."""

    shape_error: ClassVar[str] = "请求体必须是 JSON 对象"
    address: AddressList = None
    slang: SlangList = None
    arguing: ArguingList = None
    refusal: RefusalList = None
    keep: KeepList = None

    def stored(self) -> dict[str, list[Any]] | None:
        """What the shop row keeps: only the categories with a list of their own."""
        lists: dict[str, list[Any]] = {
            c: getattr(self, c) for c in CATEGORIES if getattr(self, c) is not None
        }
        return lists or None

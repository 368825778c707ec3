"""What counts as an acceptable chat text: the contract's limits in one place."""

from __future__ import annotations

import re
from typing import Any

from chatserver.errors import AppError

MAX_TEXT_LENGTH = 2000
MAX_CLIENT_ID_LENGTH = 64


# Control characters other than line breaks and tabs carry no meaning in a chat, and NUL
# cannot be stored in PostgreSQL text at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CLIENT_ID = re.compile(r"[\x21-\x7e]+")


def is_encodable(value: str) -> bool:
    """False for lone surrogates, which no database or client can store or show."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_plain_key(value: str) -> bool:
    """A lookup key (a shop slug) a database can compare: encodable, no control characters
    (PostgreSQL refuses NUL outright)."""
    return is_encodable(value) and not _CONTROL.search(value)


def clean_stored_text(value: str) -> str | None:
    """Text any person typed, made storable: control characters dropped, trimmed.
    None when it cannot be stored at all (lone surrogates)."""
    if not is_encodable(value):
        return None
    return _CONTROL.sub("", value).strip()


def clean_text(value: Any, *, limit: int = MAX_TEXT_LENGTH, noun: str = "消息") -> str:
    """The text to store, or the contract's error. Surrounding white space is not content.
    `limit` and `noun` let other typed texts (an agent's note) follow the same rules."""
    if not isinstance(value, str):
        raise AppError("invalid_payload", "text 必须是字符串")
    if len(value) > limit:
        raise AppError("text_too_long", f"{noun}不能超过 {limit} 个字符")
    text = clean_stored_text(value)
    if text is None:
        raise AppError("invalid_payload", f"{noun}包含无效字符")
    if not text:
        raise AppError("empty_text", f"{noun}内容不能为空")
    return text


def clean_choices(
    raw: Any, allowed: tuple[str, ...], *, field: str, empty: str, unknown: str
) -> list[str]:
    """A non-empty list of names from `allowed`, each once, in the order given."""
    if not isinstance(raw, list) or not raw:
        raise AppError("invalid_payload", empty, field=field)
    chosen: list[str] = []
    for item in raw:
        if item not in allowed:
            raise AppError("invalid_payload", f"{unknown}：{str(item)[:40]}", field=field)
        if item not in chosen:
            chosen.append(item)
    return chosen


def clean_client_id(value: Any) -> str:
    """Client ids are opaque, printable ASCII (a UUID, a counter): nothing else is accepted."""
    if not isinstance(value, str) or not value:
        raise AppError("invalid_payload", "client_id 必须是非空字符串")
    if len(value) > MAX_CLIENT_ID_LENGTH:
        raise AppError("invalid_payload", f"client_id 不能超过 {MAX_CLIENT_ID_LENGTH} 个字符")
    if not _CLIENT_ID.fullmatch(value):
        raise AppError("invalid_payload", "client_id 只能包含可见的 ASCII 字符")
    return value

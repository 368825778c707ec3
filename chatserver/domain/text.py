"""What counts as an acceptable chat text: the contract's limits in one place."""

from __future__ import annotations

from typing import Any

from chatserver.errors import AppError

MAX_TEXT_LENGTH = 2000
MAX_CLIENT_ID_LENGTH = 64


def clean_text(value: Any) -> str:
    """The text to store, or the contract's error. Surrounding white space is not content."""
    if not isinstance(value, str):
        raise AppError("invalid_payload", "text 必须是字符串")
    if len(value) > MAX_TEXT_LENGTH:
        raise AppError("text_too_long", f"消息不能超过 {MAX_TEXT_LENGTH} 个字符")
    text = value.strip()
    # NUL cannot be stored in PostgreSQL text; it is never meaningful in a chat.
    text = text.replace("\x00", "")
    if not text:
        raise AppError("empty_text", "消息内容不能为空")
    return text


def clean_client_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AppError("invalid_payload", "client_id 必须是非空字符串")
    if len(value) > MAX_CLIENT_ID_LENGTH:
        raise AppError("invalid_payload", f"client_id 不能超过 {MAX_CLIENT_ID_LENGTH} 个字符")
    return value

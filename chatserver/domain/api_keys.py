"""API keys as rules: the scopes, the key's shape and the name an admin gives it."""

from __future__ import annotations

from typing import Any

from chatserver.domain.text import clean_choices, clean_text
from chatserver.errors import invalid

SCOPES = ("conversations:read", "messages:write", "faq:manage")
# Every key starts so: a bearer token with it is a key, anything else a staff session.
KEY_PREFIX = "csk_"
# How much of the key the console shows, to tell keys apart (the prefix and 8 characters).
SHOWN_CHARS = len(KEY_PREFIX) + 8
MAX_KEYS_PER_SHOP = 50


def clean_scopes(raw: Any) -> list[str]:
    return clean_choices(
        raw, SCOPES, field="scopes", empty="请至少选择一个权限范围", unknown="不支持的权限范围"
    )


def clean_key_name(raw: Any) -> str:
    if raw is None:
        raise invalid("请填写密钥名称", field="name")
    return clean_text(raw, limit=64, noun="密钥名称")

"""Staff accounts and groups: the rules the admin console and the CLI both follow."""

from __future__ import annotations

import re
from typing import Any

from chatserver.domain.text import clean_stored_text
from chatserver.errors import AppError, invalid

ROLES = ("agent", "supervisor", "admin")
# How a Chinese shop names them (the CLI's help and output, the admin console).
ROLE_LABELS = {"agent": "客服", "supervisor": "主管", "admin": "管理员"}
MAX_CHATS_RANGE = (1, 50)
MIN_PASSWORD = 6
MAX_PASSWORD = 128
MAX_NAME = 64
MAX_GROUP_NAME = 32
MAX_GROUPS_PER_SHOP = 50
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")


def _person_text(value: Any, *, field: str, label: str, limit: int) -> str:
    if not isinstance(value, str):
        raise invalid(f"{label}必须是文字", field=field)
    cleaned = clean_stored_text(value)
    if cleaned is None:
        raise invalid(f"{label}包含无效字符", field=field)
    if not cleaned:
        raise AppError("empty_text", f"{label}不能为空", field=field)
    if len(cleaned) > limit:
        raise AppError("text_too_long", f"{label}不能超过 {limit} 个字符", field=field)
    return cleaned


def clean_display_name(value: Any) -> str:
    return _person_text(value, field="name", label="名字", limit=MAX_NAME)


def clean_group_name(value: Any) -> str:
    return _person_text(value, field="name", label="分组名称", limit=MAX_GROUP_NAME)


def clean_username(value: Any) -> str:
    if not isinstance(value, str) or not _USERNAME.fullmatch(value.strip()):
        raise invalid("用户名为 1-64 个字母、数字或 _ . @ -", field="username")
    return value.strip()


def clean_password(value: Any) -> str:
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise invalid(f"密码需要 {MIN_PASSWORD}-{MAX_PASSWORD} 个字符", field="password")
    return value


def clean_role(value: Any) -> str:
    if value not in ROLES:
        labels = "、".join(f"{ROLE_LABELS[r]}（{r}）" for r in ROLES)
        raise invalid(f"角色必须是 {labels} 之一", field="role")
    return str(value)


def clean_max_chats(value: Any) -> int:
    low, high = MAX_CHATS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"同时接待数必须是 {low} 到 {high} 之间的整数", field="max_chats")
    return value


def clean_id_list(value: Any, *, field: str) -> list[int]:
    if not isinstance(value, list) or len(value) > 500:
        raise invalid(f"{field} 必须是 id 列表", field=field)
    ids: list[int] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**62:
            raise invalid(f"{field} 必须是 id 列表", field=field)
        if item not in ids:
            ids.append(item)
    return ids

"""Complaints (投诉): the record the shop manuals keep and who may move it up the ladder.

The manuals (002, 004) log a complaint with its time, shopper, matter and demand, then what was
done and the result, and escalate it by authority: the agent (客服), the team lead (组长), the
manager (主管/经理), the store manager (店长). Pure rules, no I/O.
"""

from __future__ import annotations

from typing import Any

from chatserver.domain.text import clean_text
from chatserver.errors import AppError, invalid

LEVEL_NAMES: dict[int, str] = {0: "客服", 1: "组长", 2: "主管/经理", 3: "店长"}

# What the shopper wants, in the manuals' words.
DEMAND_KINDS: dict[str, str] = {
    "refund": "退款",
    "exchange": "换货",
    "compensation": "赔偿",
    "apology": "道歉",
    "other": "其他",
}
OPEN = "open"
RESOLVED = "resolved"
CLOSED = "closed"
STATUS_NAMES: dict[str, str] = {OPEN: "处理中", RESOLVED: "已解决", CLOSED: "已关闭"}
ENDINGS = (RESOLVED, CLOSED)

MAX_MATTER_LENGTH = 1000
MAX_DEMAND_TEXT_LENGTH = 500
MAX_HANDLING_LENGTH = 2000
MAX_RESULT_LENGTH = 1000
MAX_REASON_LENGTH = 200
# A conversation's complaints are a handful of matters, never a flood.
MAX_PER_CONVERSATION = 20

SUPERVISING = ("supervisor", "admin")


def level_name(level: int) -> str:
    return LEVEL_NAMES[level]


def clean_matter(value: Any) -> str:
    return _typed(value, "matter", MAX_MATTER_LENGTH, "投诉事由")


def clean_handling(value: Any) -> str:
    """What was done; may be blank (nothing yet)."""
    return _typed(value, "handling", MAX_HANDLING_LENGTH, "处理经过", blank_ok=True)


def clean_result(value: Any) -> str:
    return _typed(value, "result", MAX_RESULT_LENGTH, "处理结果", blank_ok=True)


def clean_demand_text(value: Any) -> str:
    return _typed(value, "demand_text", MAX_DEMAND_TEXT_LENGTH, "顾客诉求", blank_ok=True)


def clean_reason(value: Any) -> str:
    return _typed(value, "reason", MAX_REASON_LENGTH, "升级说明", blank_ok=True)


def clean_demand_kind(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in DEMAND_KINDS:
        raise invalid(
            "demand_kind 必须是 refund、exchange、compensation、apology、other 或 null",
            field="demand_kind",
        )
    return value


def clean_level(value: Any) -> int:
    # bool is an int to Python, never a level to a person.
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVEL_NAMES:
        raise invalid("level 必须是 0 到 3 的整数", field="level")
    return value


def clean_ending(value: Any) -> str:
    if not isinstance(value, str) or value not in ENDINGS:
        raise invalid("status 必须是 resolved 或 closed", field="status")
    return str(value)


def _typed(value: Any, field: str, limit: int, noun: str, *, blank_ok: bool = False) -> str:
    if blank_ok and isinstance(value, str) and not value.strip():
        return ""
    try:
        return clean_text(value, limit=limit, noun=noun)
    except AppError as error:
        if error.code == "invalid_payload" and not isinstance(value, str):
            raise invalid(f"{field} 必须是字符串", field=field) from None
        raise AppError(error.code, error.message, field=field) from None


def matter_from_words(text: str) -> str:
    """The shopper's own words as the matter of a complaint opened for them (cut to fit)."""
    return text.strip()[:MAX_MATTER_LENGTH] or "顾客要求投诉"


# ---- who may do what ------------------------------------------------------------------------


def edit_refusal(*, role: str, is_owner: bool, status: str) -> str | None:
    """Why this person may not change the record now (None: they may)."""
    if status != OPEN:
        return "该投诉已处理完毕，不能再修改"
    if role not in SUPERVISING and not is_owner:
        return "只有负责该投诉的客服或主管可以处理"
    return None


def escalation_refusal(
    *, role: str, is_owner: bool, status: str, current: int, target: int
) -> str | None:
    """The escalation rule table: never down or sideways; the owning agent one level up at a
    time; a supervisor or admin to any higher level; nobody else."""
    refusal = edit_refusal(role=role, is_owner=is_owner, status=status)
    if refusal is not None:
        return refusal
    if target <= current:
        return "投诉只能向上升级，不能降级"
    if role not in SUPERVISING and target != current + 1:
        return "客服只能逐级升级，不能越级"
    return None


def ending_refusal(*, role: str, is_owner: bool, status: str, level: int) -> str | None:
    """Resolving or closing: a complaint escalated past the agent is settled by a supervisor."""
    refusal = edit_refusal(role=role, is_owner=is_owner, status=status)
    if refusal is not None:
        return refusal
    if role not in SUPERVISING and level > 0:
        return f"该投诉已升级至{LEVEL_NAMES[level]}，需由主管处理结案"
    return None

"""The complaint rules (domain/complaints.py): the escalation table (who may move which level;
no skipping unless supervisor; never down), who may settle one, and what input is accepted."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.commands.base import parse
from chatserver.commands.complaints import (
    EndComplaint,
    EscalateComplaint,
    OpenComplaint,
    UpdateComplaint,
)
from chatserver.domain import complaints as rules
from chatserver.errors import AppError

# role, owns the complaint, status, current level, target level → allowed?
ESCALATIONS = [
    # the owning agent: one level up at a time, from any level
    ("agent", True, "open", 0, 1, True),
    ("agent", True, "open", 1, 2, True),
    ("agent", True, "open", 2, 3, True),
    ("agent", True, "open", 0, 2, False),  # skipping a level
    ("agent", True, "open", 0, 3, False),
    ("agent", True, "open", 1, 3, False),
    # never down, never sideways, for anyone
    ("agent", True, "open", 1, 0, False),
    ("agent", True, "open", 1, 1, False),
    ("supervisor", False, "open", 2, 1, False),
    ("supervisor", False, "open", 2, 2, False),
    ("admin", False, "open", 3, 0, False),
    # a supervisor or admin: any higher level, owner or not
    ("supervisor", False, "open", 0, 1, True),
    ("supervisor", False, "open", 0, 3, True),
    ("admin", False, "open", 1, 3, True),
    ("supervisor", True, "open", 0, 2, True),
    # an agent who does not own it: nothing
    ("agent", False, "open", 0, 1, False),
    # a settled complaint: nothing, for anyone
    ("agent", True, "resolved", 0, 1, False),
    ("supervisor", False, "resolved", 0, 1, False),
    ("admin", False, "closed", 1, 2, False),
]


@pytest.mark.parametrize(("role", "owner", "status", "current", "target", "allowed"), ESCALATIONS)
def test_the_escalation_table(
    role: str, owner: bool, status: str, current: int, target: int, allowed: bool
) -> None:
    refusal = rules.escalation_refusal(
        role=role, is_owner=owner, status=status, current=current, target=target
    )
    assert (refusal is None) is allowed, refusal


def test_refusals_say_why_in_chinese() -> None:
    down = rules.escalation_refusal(
        role="admin", is_owner=False, status="open", current=2, target=1
    )
    skip = rules.escalation_refusal(role="agent", is_owner=True, status="open", current=0, target=2)
    stranger = rules.escalation_refusal(
        role="agent", is_owner=False, status="open", current=0, target=1
    )
    assert down == "投诉只能向上升级，不能降级"
    assert skip == "客服只能逐级升级，不能越级"
    assert stranger == "只有负责该投诉的客服或主管可以处理"


# role, owns it, status, level → may resolve or close it?
ENDINGS = [
    ("agent", True, "open", 0, True),
    ("agent", True, "open", 1, False),  # escalated past the agent: a supervisor settles it
    ("agent", False, "open", 0, False),
    ("supervisor", False, "open", 3, True),
    ("admin", False, "open", 0, True),
    ("supervisor", False, "resolved", 1, False),
    ("agent", True, "closed", 0, False),
]


@pytest.mark.parametrize(("role", "owner", "status", "level", "allowed"), ENDINGS)
def test_who_may_settle_a_complaint(
    role: str, owner: bool, status: str, level: int, allowed: bool
) -> None:
    refusal = rules.ending_refusal(role=role, is_owner=owner, status=status, level=level)
    assert (refusal is None) is allowed, refusal


def test_level_names_follow_the_manuals() -> None:
    assert [rules.level_name(level) for level in range(4)] == ["客服", "组长", "主管/经理", "店长"]


def _error(command: Any, payload: Any) -> AppError:
    with pytest.raises(AppError) as caught:
        parse(command, payload)
    return caught.value


BAD_INPUT = [
    (OpenComplaint, {"conversation_id": 1, "matter": 5}, "invalid_payload", "matter"),
    (OpenComplaint, {"conversation_id": 1}, "invalid_payload", "matter"),
    (OpenComplaint, {"conversation_id": 1, "matter": "   "}, "empty_text", "matter"),
    (OpenComplaint, {"conversation_id": 1, "matter": "字" * 1001}, "text_too_long", "matter"),
    (
        OpenComplaint,
        {"conversation_id": 1, "matter": "破洞", "demand_kind": "money"},
        "invalid_payload",
        "demand_kind",
    ),
    (
        OpenComplaint,
        {"conversation_id": 1, "matter": "破洞", "demand_text": "字" * 501},
        "text_too_long",
        "demand_text",
    ),
    (OpenComplaint, {"conversation_id": "x", "matter": "破洞"}, "invalid_payload", None),
    (EscalateComplaint, {"complaint_id": 1, "level": "2"}, "invalid_payload", "level"),
    (EscalateComplaint, {"complaint_id": 1, "level": True}, "invalid_payload", "level"),
    (EscalateComplaint, {"complaint_id": 1, "level": 4}, "invalid_payload", "level"),
    (EscalateComplaint, {"complaint_id": 1, "level": -1}, "invalid_payload", "level"),
    (EscalateComplaint, {"complaint_id": [1], "level": 1}, "invalid_payload", "complaint_id"),
    (EscalateComplaint, {"complaint_id": 1, "level": 1, "reason": 3}, "invalid_payload", "reason"),
    (UpdateComplaint, {"complaint_id": 1}, "invalid_payload", None),
    (UpdateComplaint, {"complaint_id": 1, "handling": "字" * 2001}, "text_too_long", "handling"),
    (UpdateComplaint, {"complaint_id": 1, "result": {"a": 1}}, "invalid_payload", "result"),
    (
        EndComplaint,
        {"complaint_id": 1, "status": "open", "result": "已退款"},
        "invalid_payload",
        "status",
    ),
    (
        EndComplaint,
        {"complaint_id": 1, "status": "resolved", "result": " "},
        "empty_text",
        "result",
    ),
    (EndComplaint, {"complaint_id": 1, "status": "resolved"}, "invalid_payload", "result"),
]


@pytest.mark.parametrize(("command", "payload", "code", "field"), BAD_INPUT)
def test_bad_input_gets_the_contracts_error(
    command: Any, payload: dict[str, Any], code: str, field: str | None
) -> None:
    error = _error(command, payload)
    assert (error.code, error.field) == (code, field), error.message


def test_good_input_is_cleaned() -> None:
    opened = parse(
        OpenComplaint,
        {"conversation_id": "7", "matter": "  收到的外套有破洞\n", "demand_kind": "refund"},
    )
    assert (opened.conversation_id, opened.matter, opened.demand_kind, opened.demand_text) == (
        7,
        "收到的外套有破洞",
        "refund",
        "",
    )
    update = parse(UpdateComplaint, {"complaint_id": 3, "handling": "", "demand_text": "全额退款"})
    assert update.changes() == {"handling": "", "demand_text": "全额退款"}
    up = parse(EscalateComplaint, {"complaint_id": 3, "level": 2})
    assert (up.level, up.reason) == (2, "")
    # A complaint opened for the shopper starts with their words, cut to the matter's limit.
    assert rules.matter_from_words(" 我要投诉 ") == "我要投诉"
    assert len(rules.matter_from_words("差" * 2000)) == rules.MAX_MATTER_LENGTH

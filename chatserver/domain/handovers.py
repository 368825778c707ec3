"""Handing a chat on (转接) and ending a shift (交接): the notes' rules and what the shopper reads."""

from __future__ import annotations

from typing import Any

from chatserver.domain.text import clean_text

MAX_HANDOVER_NOTE = 500
MAX_SHIFT_SUMMARY = 2000


def clean_handover_note(value: Any) -> str:
    """Required: the receiver reads it before anything else (what was asked, what was done)."""
    return clean_text(value, limit=MAX_HANDOVER_NOTE, noun="交接备注")


def clean_shift_summary(value: Any) -> str:
    return clean_text(value, limit=MAX_SHIFT_SUMMARY, noun="交接记录")


def transfer_line_to_agent(agent_name: str) -> str:
    return f"正在为您转接客服 {agent_name}，请稍候，您之前的消息对方都能看到。"


def transfer_line_to_group(group_name: str) -> str:
    return f"正在为您转接{group_name}专员，请稍候，您之前的消息对方都能看到。"


def transfer_note_text(note: str, *, to_agent: str | None, to_group: str | None) -> str:
    """The private note in the chat's history: who it went to, and what was handed over."""
    target = f"客服 {to_agent}" if to_agent else f"{to_group}组"
    return f"【转接给{target}】{note}"


def shift_note_text(note: str) -> str:
    return f"【下班交接】{note}"


def automatic_note(agent_name: str) -> str:
    """Written for an agent who left (closed the browser, or went offline) without a handover."""
    return f"客服 {agent_name} 离线时未填写交接备注，会话已自动退回排队，请查看聊天记录了解情况。"

"""A shop's widget options: pre-chat fields asked before the first message (售前信息), and the
proactive invitation (the widget opens by itself after N seconds on a page). Both off by
default: a shop that never opens these settings gets the widget as it always was."""

from __future__ import annotations

import re
from typing import Any, Literal

from chatserver.domain.text import clean_stored_text
from chatserver.errors import AppError, invalid

Requirement = Literal["off", "optional", "required"]
PRECHAT_FIELDS = ("name", "phone", "order_no")
REQUIREMENTS = ("off", "optional", "required")
MIN_INVITE_SECONDS = 3
MAX_INVITE_SECONDS = 600
MAX_INVITE_TEXT = 100
DEFAULT_INVITE_TEXT = "您好，请问有什么可以帮您？在线客服随时为您解答"
MAX_PRECHAT_NAME = 32
_PHONE = re.compile(r"\+?\d{6,15}")
_ORDER_NO = re.compile(r"[A-Za-z0-9_-]{4,40}")

DEFAULTS: dict[str, Any] = {
    "prechat": dict.fromkeys(PRECHAT_FIELDS, "off"),
    "invite": {"enabled": False, "delay_seconds": 30, "text": DEFAULT_INVITE_TEXT},
}


def effective(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The settings in force: what was stored over the defaults."""
    stored = stored or {}
    return {
        "prechat": {**DEFAULTS["prechat"], **(stored.get("prechat") or {})},
        "invite": {**DEFAULTS["invite"], **(stored.get("invite") or {})},
    }


def parse_settings(raw: Any) -> dict[str, Any]:
    """A whole settings object from the admin console, every field checked."""
    if not isinstance(raw, dict):
        raise invalid("设置格式不正确")
    prechat = raw.get("prechat")
    invite = raw.get("invite")
    if not isinstance(prechat, dict):
        raise invalid("prechat 格式不正确", field="prechat")
    if not isinstance(invite, dict):
        raise invalid("invite 格式不正确", field="invite")
    fields: dict[str, str] = {}
    for name in PRECHAT_FIELDS:
        value = prechat.get(name, "off")
        if value not in REQUIREMENTS:
            raise invalid("只能选择 不询问、选填 或 必填", field=f"prechat.{name}")
        fields[name] = value
    enabled = invite.get("enabled")
    if not isinstance(enabled, bool):
        raise invalid("enabled 必须是 true 或 false", field="invite.enabled")
    delay = invite.get("delay_seconds")
    if isinstance(delay, bool) or not isinstance(delay, int):
        raise invalid("等待秒数必须是整数", field="invite.delay_seconds")
    if not MIN_INVITE_SECONDS <= delay <= MAX_INVITE_SECONDS:
        raise invalid(
            f"等待秒数必须在 {MIN_INVITE_SECONDS} 到 {MAX_INVITE_SECONDS} 之间",
            field="invite.delay_seconds",
        )
    text = invite.get("text") or DEFAULT_INVITE_TEXT
    if not isinstance(text, str) or clean_stored_text(text) is None:
        raise invalid("邀请语格式不正确", field="invite.text")
    text = clean_stored_text(text) or DEFAULT_INVITE_TEXT
    if len(text) > MAX_INVITE_TEXT:
        raise invalid(f"邀请语不能超过 {MAX_INVITE_TEXT} 个字符", field="invite.text")
    return {
        "prechat": fields,
        "invite": {"enabled": enabled, "delay_seconds": delay, "text": text},
    }


def parse_prechat(raw: Any, settings: dict[str, Any]) -> dict[str, str]:
    """The shopper's pre-chat answers against the shop's fields: required ones present,
    fields the shop does not ask for dropped."""
    if not isinstance(raw, dict):
        raise invalid("信息格式不正确")
    asked = effective(settings)["prechat"]
    answers: dict[str, str] = {}
    for name, requirement in asked.items():
        if requirement == "off":
            continue
        value = raw.get(name)
        text = clean_stored_text(value) if isinstance(value, str) else None
        if value is not None and not isinstance(value, str):
            raise invalid(f"{name} 必须是字符串", field=name)
        if not text:
            if requirement == "required":
                raise invalid(f"请填写{_LABELS[name]}", field=name)
            continue
        _check(name, text)
        answers[name] = text
    return answers


_LABELS = {"name": "您的称呼", "phone": "手机号", "order_no": "订单号"}


def _check(name: str, text: str) -> None:
    if name == "name" and len(text) > MAX_PRECHAT_NAME:
        raise invalid(f"称呼不能超过 {MAX_PRECHAT_NAME} 个字符", field=name)
    if name == "phone" and not _PHONE.fullmatch(text.replace(" ", "").replace("-", "")):
        raise invalid("请填写正确的手机号", field=name)
    if name == "order_no" and not _ORDER_NO.fullmatch(text):
        raise invalid("订单号只能包含字母、数字、-、_，4 到 40 位", field=name)


def prechat_missing(
    settings: dict[str, Any] | None, context: dict[str, Any] | None
) -> AppError | None:
    """The refusal of a message while a field the shop requires now is unanswered (answers
    given before the shop required more do not count for the new field)."""
    answers = (context or {}).get("prechat")
    answered = answers if isinstance(answers, dict) else {}
    required = [n for n, r in effective(settings)["prechat"].items() if r == "required"]
    if any(not answered.get(name) for name in required):
        return AppError("prechat_required", "请先填写咨询前信息，再开始咨询")
    return None

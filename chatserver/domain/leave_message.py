"""留言: when nobody can answer now, the shopper leaves a message for the next shift.

The bot says honestly when people are back, in the shop's zone and in plain Chinese
(「客服在明天 09:00 上班」), and offers the form; what the form sends is checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from chatserver.domain.text import clean_stored_text, clean_text
from chatserver.errors import AppError, invalid

MAX_LEAVE_TEXT = 500
# The handoff reason of a chat queued by a 留言; agents see it marked 留言.
LEAVE_MESSAGE_REASON = "leave_message"
_PHONE = re.compile(r"^\+?\d{6,15}$")
_ORDER_NO = re.compile(r"^[A-Za-z0-9_-]{4,40}$")
WEEKDAY_CN = "一二三四五六日"

# Why a person cannot answer now: the shop is closed, or open with nobody of the group online.
Unavailable = Literal["closed", "nobody_online"]


@dataclass(frozen=True)
class Availability:
    """Whether a person can take a chat now, and when people are back if not."""

    open: bool
    agents_online: int
    back_at: datetime | None  # the next opening when closed; None when open or never again

    @property
    def reason(self) -> Unavailable | None:
        if not self.open:
            return "closed"
        if self.agents_online == 0:
            return "nobody_online"
        return None


def describe_time(at: datetime, now: datetime, zone: str) -> str:
    """`at` as a shopper in the shop says it: 「今天 18:00」「明天 09:00」「周四（12月3日）09:00」."""
    tz = ZoneInfo(zone)
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days <= 0:
        return f"今天 {clock}"
    if days == 1:
        return f"明天 {clock}"
    if days == 2:
        return f"后天 {clock}"
    day = f"{local.month}月{local.day}日"
    if local.year != today.year:
        day = f"{local.year}年{day}"
    if days < 7:
        return f"周{WEEKDAY_CN[local.weekday()]}（{day}）{clock}"
    return f"{day} {clock}"


# What the bot says first, by why a person was wanted (domain/handoff.py reasons).
OFFER_LEADS = {
    "complaint": "非常抱歉给您带来不好的体验。",
    "bot_unsure": "抱歉，这个问题我暂时没能帮您解答。",
    "photo": "已收到您的图片。",
}


def offer_text(availability: Availability, now: datetime, zone: str, *, wanted: str) -> str:
    """The bot's honest answer when a person is wanted (`wanted`: the handoff reason) and
    nobody can take the chat now."""
    lead = OFFER_LEADS.get(wanted, "")
    if availability.reason == "nobody_online":
        return (
            f"{lead}抱歉，客服暂时都不在线。您可以给我们留言，客服上线后会第一时间回复您；"
            "也可以稍后再点击“转人工”。"
        )
    if availability.back_at is None:
        return f"{lead}抱歉，目前没有客服值班。您可以给我们留言，客服会尽快回复您。"
    when = describe_time(availability.back_at, now, zone)
    return (
        f"{lead}您好，现在是非工作时间，客服在{when} 上班。"
        "您可以给我们留言，客服上班后会第一时间回复您。"
    )


def received_text(availability: Availability, now: datetime, zone: str) -> str:
    """The bot's line once a 留言 is stored."""
    if availability.reason is None:
        return "您的留言已收到，客服会尽快回复您，请留意本对话。"
    if availability.back_at is not None:
        when = describe_time(availability.back_at, now, zone)
        return f"您的留言已收到，客服将在{when} 上班后第一时间回复您，请留意本对话。"
    return "您的留言已收到，客服上线后会第一时间回复您，请留意本对话。"


@dataclass(frozen=True)
class LeaveMessageForm:
    text: str
    phone: str | None
    order_no: str | None

    def as_text(self) -> str:
        """The 留言 as the chat line agents and the shopper read."""
        lines = [f"【留言】{self.text}"]
        if self.phone:
            lines.append(f"联系电话：{self.phone}")
        if self.order_no:
            lines.append(f"订单号：{self.order_no}")
        return "\n".join(lines)

    def meta(self) -> dict[str, Any]:
        return {"leave_message": {"phone": self.phone, "order_no": self.order_no}}


def _optional(raw: Any, field: str, noun: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid(f"{noun}必须是文字", field=field)
    cleaned = clean_stored_text(raw)
    if cleaned is None:
        raise invalid(f"{noun}包含无效字符", field=field)
    return cleaned or None


def parse_phone(raw: Any) -> str | None:
    value = _optional(raw, "phone", "联系电话")
    if value is None:
        return None
    digits = re.sub(r"[\s()（）-]", "", value)
    if not _PHONE.match(digits):
        raise invalid("请填写正确的手机号或电话号码（6–15 位数字）", field="phone")
    return digits


def parse_order_no(raw: Any) -> str | None:
    value = _optional(raw, "order_no", "订单号")
    if value is None:
        return None
    if not _ORDER_NO.match(value):
        raise invalid("订单号应为 4–40 位字母、数字、- 或 _", field="order_no")
    return value


def parse_form(text: Any, phone: Any, order_no: Any) -> LeaveMessageForm:
    try:
        body = clean_text(text, limit=MAX_LEAVE_TEXT, noun="留言")
    except AppError as error:
        error.field = "text"  # the form shows the message next to the text box
        raise
    return LeaveMessageForm(body, parse_phone(phone), parse_order_no(order_no))

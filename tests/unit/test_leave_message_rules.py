"""留言 rules: when people are back, said as a shopper says it, and the form's fields."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chatserver.domain.leave_message import (
    Availability,
    describe_time,
    offer_text,
    parse_form,
    received_text,
)
from chatserver.errors import AppError

SH = ZoneInfo("Asia/Shanghai")


def sh(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(UTC)


NOW = "2026-11-30 23:30"  # a Monday night
WHEN = [
    ("2026-11-30 23:45", "今天 23:45"),
    ("2026-12-01 09:00", "明天 09:00"),
    ("2026-12-02 09:00", "后天 09:00"),
    ("2026-12-03 09:00", "周四（12月3日）09:00"),
    ("2026-12-10 09:00", "12月10日 09:00"),
    ("2027-01-02 09:00", "2027年1月2日 09:00"),
]


@pytest.mark.parametrize(("at", "said"), WHEN)
def test_when_people_are_back_in_the_shop_s_zone(at: str, said: str) -> None:
    assert describe_time(sh(at), sh(NOW), "Asia/Shanghai") == said


def test_the_date_is_the_shop_s_not_utc() -> None:
    # 00:30 in Shanghai is still the day before in UTC: "today" is Shanghai's today.
    assert describe_time(sh("2026-12-01 09:00"), sh("2026-12-01 00:30"), "Asia/Shanghai") == (
        "今天 09:00"
    )


def test_the_bot_is_honest_about_why_nobody_answers() -> None:
    now = sh(NOW)
    closed = Availability(open=False, agents_online=2, back_at=sh("2026-12-01 09:00"))
    text = offer_text(closed, now, "Asia/Shanghai", wanted="requested")
    assert "客服在明天 09:00 上班" in text and "留言" in text and "你" not in text
    complaint = offer_text(closed, now, "Asia/Shanghai", wanted="complaint")
    assert complaint.startswith("非常抱歉给您带来不好的体验")
    nobody = Availability(open=True, agents_online=0, back_at=None)
    assert "客服暂时都不在线" in offer_text(nobody, now, "Asia/Shanghai", wanted="requested")
    never = Availability(open=False, agents_online=0, back_at=None)
    assert "没有客服值班" in offer_text(never, now, "Asia/Shanghai", wanted="requested")
    assert "明天 09:00" in received_text(closed, now, "Asia/Shanghai")


def test_the_form_keeps_digits_of_a_phone_and_names_a_bad_field() -> None:
    form = parse_form("  请尽快联系我  ", "+86 (138) 0013-8000", " TB-2026_01 ")
    assert (form.text, form.phone, form.order_no) == (
        "请尽快联系我",
        "+8613800138000",
        "TB-2026_01",
    )
    assert form.as_text() == "【留言】请尽快联系我\n联系电话：+8613800138000\n订单号：TB-2026_01"
    assert parse_form("好", "", "  ").phone is None
    for text, phone, order_no, code, field in [
        ("", None, None, "empty_text", "text"),
        ("好" * 501, None, None, "text_too_long", "text"),
        ("好", "abc", None, "invalid_payload", "phone"),
        ("好", "12345", None, "invalid_payload", "phone"),
        ("好", None, "单号", "invalid_payload", "order_no"),
        ("好", None, ["TB1"], "invalid_payload", "order_no"),
    ]:
        with pytest.raises(AppError) as caught:
            parse_form(text, phone, order_no)
        assert (caught.value.code, caught.value.field) == (code, field)

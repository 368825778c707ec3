"""A shop's service hours as the admin console sends and reads them, checked field by field.

Wire form (docs/protocol.md, "Business hours"):
`{time_zone, weekly: {mon: [{start: "09:00", end: "18:00"}], …}, holidays: ["2026-10-01"],
exceptions: [{date: "2026-12-31", spans: [...]}]}`.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from chatserver.domain.business_hours import (
    DAY_MINUTES,
    DEFAULT_ZONE,
    WEEKDAYS,
    ServiceCalendar,
    Span,
    Week,
)
from chatserver.errors import invalid

MAX_SPANS_PER_DAY = 6
MAX_DATES = 366
WEEKDAY_NAMES = dict(zip(WEEKDAYS, "周一 周二 周三 周四 周五 周六 周日".split(), strict=True))
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def span_wire(span: Span) -> dict[str, str]:
    return {"start": format_minutes(span.start), "end": format_minutes(span.end)}


def calendar_wire(calendar: ServiceCalendar) -> dict[str, Any]:
    return {
        "time_zone": calendar.zone,
        "weekly": {
            name: [span_wire(s) for s in spans]
            for name, spans in zip(WEEKDAYS, calendar.weekly, strict=True)
        },
        "holidays": [d.isoformat() for d in sorted(calendar.holidays)],
        "exceptions": [
            {"date": d.isoformat(), "spans": [span_wire(s) for s in spans]}
            for d, spans in sorted(calendar.exceptions.items())
        ],
    }


def parse_zone(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("时区必须是文字，例如 Asia/Shanghai", field="time_zone")
    name = raw.strip()
    # Only IANA names from the system's database: no file paths, no "localtime".
    if name not in _zones():
        raise invalid(
            f"未知的时区「{name[:40]}」，请使用如 Asia/Shanghai 的时区名称", field="time_zone"
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(f"未知的时区「{name[:40]}」", field="time_zone") from None
    return name


_zone_names: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _zone_names
    if _zone_names is None:
        _zone_names = frozenset(available_timezones()) | {DEFAULT_ZONE, "UTC"}
    return _zone_names


def _parse_time(raw: Any, field: str, *, is_end: bool) -> int:
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise invalid("时间格式应为 HH:MM（24 小时制），例如 09:00", field=field)
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes > DAY_MINUTES or (minutes == DAY_MINUTES and not is_end):
        raise invalid("24:00 只能用作结束时间", field=field)
    return minutes


def parse_spans(raw: Any, field: str) -> tuple[Span, ...]:
    if not isinstance(raw, list):
        raise invalid("营业时段必须是列表", field=field)
    if len(raw) > MAX_SPANS_PER_DAY:
        raise invalid(f"每天最多 {MAX_SPANS_PER_DAY} 个时段", field=field)
    spans: list[Span] = []
    for index, item in enumerate(raw):
        where = f"{field}[{index}]"
        if not isinstance(item, dict):
            raise invalid("时段必须是 {start, end} 对象", field=where)
        start = _parse_time(item.get("start"), f"{where}.start", is_end=False)
        end = _parse_time(item.get("end"), f"{where}.end", is_end=True)
        if start == end:
            # A whole day is 00:00–24:00; an empty span is a mistake.
            raise invalid("开始时间和结束时间不能相同", field=where)
        spans.append(Span(start, end))
    spans.sort()
    for before, after in itertools.pairwise(spans):
        if after.start < before.end_offset:
            raise invalid(
                f"时段 {format_minutes(before.start)}–{format_minutes(before.end)} 与 "
                f"{format_minutes(after.start)}–{format_minutes(after.end)} 重叠",
                field=field,
            )
    return tuple(spans)


def _check_overnight_into(day: tuple[Span, ...], next_day: tuple[Span, ...], field: str) -> None:
    """An overnight span must end before the next day's first span starts."""
    spill = max((s.end for s in day if s.overnight), default=0)
    if next_day and spill > next_day[0].start:
        raise invalid("跨夜时段与第二天的时段重叠", field=field)


def parse_weekly(raw: Any) -> Week:
    if not isinstance(raw, dict):
        raise invalid("每周营业时间必须是对象（mon … sun）", field="weekly")
    unknown = sorted(set(raw) - set(WEEKDAYS))
    if unknown:
        raise invalid(f"未知的星期「{str(unknown[0])[:10]}」，请用 mon … sun", field="weekly")
    missing = [name for name in WEEKDAYS if name not in raw]
    if missing:
        raise invalid(f"缺少{WEEKDAY_NAMES[missing[0]]}的营业时间", field=f"weekly.{missing[0]}")
    week = tuple(parse_spans(raw[name], f"weekly.{name}") for name in WEEKDAYS)
    for index, name in enumerate(WEEKDAYS):
        _check_overnight_into(week[index], week[(index + 1) % 7], f"weekly.{name}")
    return week


def parse_date(raw: Any, field: str) -> date:
    if not isinstance(raw, str) or not _DATE.match(raw):
        raise invalid("日期格式应为 YYYY-MM-DD，例如 2026-10-01", field=field)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise invalid(f"日期「{raw}」不存在", field=field) from None
    if not 2000 <= day.year <= 2100:
        raise invalid("日期应在 2000 年到 2100 年之间", field=field)
    return day


def parse_holidays(raw: Any) -> frozenset[date]:
    if not isinstance(raw, list):
        raise invalid("休息日必须是日期列表", field="holidays")
    if len(raw) > MAX_DATES:
        raise invalid(f"休息日最多 {MAX_DATES} 个", field="holidays")
    return frozenset(parse_date(item, f"holidays[{i}]") for i, item in enumerate(raw))


def parse_exceptions(raw: Any) -> dict[date, tuple[Span, ...]]:
    if not isinstance(raw, list):
        raise invalid("特殊营业日必须是列表", field="exceptions")
    if len(raw) > MAX_DATES:
        raise invalid(f"特殊营业日最多 {MAX_DATES} 个", field="exceptions")
    exceptions: dict[date, tuple[Span, ...]] = {}
    for index, item in enumerate(raw):
        where = f"exceptions[{index}]"
        if not isinstance(item, dict):
            raise invalid("特殊营业日必须是 {date, spans} 对象", field=where)
        day = parse_date(item.get("date"), f"{where}.date")
        if day in exceptions:
            raise invalid(f"日期 {day.isoformat()} 重复", field=f"{where}.date")
        exceptions[day] = parse_spans(item.get("spans", []), f"{where}.spans")
    return exceptions


def parse_calendar(payload: dict[str, Any], current: ServiceCalendar) -> ServiceCalendar:
    """`current` with the fields `payload` gives replaced; every field checked."""
    known = {"time_zone", "weekly", "holidays", "exceptions"}
    unknown = sorted(set(payload) - known)
    if unknown:
        raise invalid(f"未知字段「{str(unknown[0])[:40]}」", field=str(unknown[0])[:40])
    if not payload:
        raise invalid("没有要修改的内容")
    zone = parse_zone(payload["time_zone"]) if "time_zone" in payload else current.zone
    weekly = parse_weekly(payload["weekly"]) if "weekly" in payload else current.weekly
    holidays = parse_holidays(payload["holidays"]) if "holidays" in payload else current.holidays
    exceptions = (
        parse_exceptions(payload["exceptions"])
        if "exceptions" in payload
        else dict(current.exceptions)
    )
    both = sorted(holidays & set(exceptions))
    if both:
        raise invalid(
            f"{both[0].isoformat()} 既是休息日又是特殊营业日，请只保留一个", field="exceptions"
        )
    return ServiceCalendar(zone=zone, weekly=weekly, holidays=holidays, exceptions=exceptions)


def calendar_from_stored(stored: dict[str, Any]) -> ServiceCalendar:
    """The stored wire form back into a calendar (it was checked when it was saved)."""
    return parse_calendar(stored, ServiceCalendar())

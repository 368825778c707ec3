"""The service calendar: open or not, the next opening, and seconds inside hours, as a table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chatserver.domain.business_hours import ServiceCalendar, Span
from chatserver.domain.hours_settings import calendar_wire, parse_calendar
from chatserver.errors import AppError

SH = ZoneInfo("Asia/Shanghai")


def sh(text: str) -> datetime:
    """A Shanghai wall-clock time as the aware UTC instant the calendar takes."""
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(UTC)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def spans(*pairs: str) -> tuple[Span, ...]:
    return tuple(Span(hm(p.split("-")[0]), hm(p.split("-")[1])) for p in pairs)


DEFAULT = ServiceCalendar()
# Mon–Fri 09:00–18:00, Saturday overnight 20:00–02:00, Sunday closed.
WEEKDAYS_AND_SAT_NIGHT = ServiceCalendar(
    weekly=(*(spans("09:00-18:00") for _ in range(5)), spans("20:00-02:00"), ()),
)
# 2026-10-01 (a Thursday) is a holiday; 2026-10-02 opens only 10:00–12:00.
HOLIDAY = ServiceCalendar(
    holidays=frozenset({date(2026, 10, 1)}),
    exceptions={date(2026, 10, 2): spans("10:00-12:00")},
)

# (calendar, at (Shanghai), is_open, next_open (Shanghai) or None)
TABLE = [
    (DEFAULT, "2026-11-30 02:00", False, "2026-11-30 09:00"),
    (DEFAULT, "2026-11-30 09:00", True, "2026-11-30 09:00"),
    (DEFAULT, "2026-11-30 17:59", True, "2026-11-30 17:59"),
    (DEFAULT, "2026-11-30 18:00", True, "2026-11-30 18:00"),  # shifts touch: no gap
    (DEFAULT, "2026-11-30 22:59", True, "2026-11-30 22:59"),
    (DEFAULT, "2026-11-30 23:00", False, "2026-12-01 09:00"),
    # The week boundary: Friday evening to Monday morning.
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-04 18:30", False, "2026-12-05 20:00"),
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-05 23:30", True, "2026-12-05 23:30"),
    # Saturday's overnight span runs into Sunday.
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-06 01:59", True, "2026-12-06 01:59"),
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-06 02:00", False, "2026-12-07 09:00"),
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-06 12:00", False, "2026-12-07 09:00"),
    # A holiday, then an exception with short hours.
    (HOLIDAY, "2026-10-01 12:00", False, "2026-10-02 10:00"),
    (HOLIDAY, "2026-10-02 11:00", True, "2026-10-02 11:00"),
    (HOLIDAY, "2026-10-02 12:30", False, "2026-10-03 09:00"),
    (HOLIDAY, "2026-09-30 12:00", True, "2026-09-30 12:00"),
    (ServiceCalendar(weekly=((),) * 7), "2026-11-30 12:00", False, None),
]


@pytest.mark.parametrize(("calendar", "at", "is_open", "next_open"), TABLE)
def test_open_and_next_opening(
    calendar: ServiceCalendar, at: str, is_open: bool, next_open: str | None
) -> None:
    assert calendar.is_open(sh(at)) is is_open
    assert calendar.next_open(sh(at)) == (sh(next_open) if next_open else None)


def test_an_exception_far_ahead_is_found_when_every_weekday_is_closed() -> None:
    calendar = ServiceCalendar(
        weekly=((),) * 7, exceptions={date(2027, 2, 1): spans("09:00-12:00")}
    )
    assert calendar.next_open(sh("2026-11-30 12:00")) == sh("2027-02-01 09:00")


def test_a_long_holiday_run_is_skipped() -> None:
    closed = frozenset(date(2026, 10, 1) + timedelta(days=n) for n in range(40))
    calendar = ServiceCalendar(holidays=closed)
    assert calendar.next_open(sh("2026-10-01 08:00")) == sh("2026-11-10 09:00")


# (calendar, start, end, expected open hours)
SECONDS = [
    (DEFAULT, "2026-11-30 08:00", "2026-11-30 10:00", 1.0),
    (DEFAULT, "2026-11-30 22:00", "2026-12-01 10:00", 2.0),  # 22–23, then 09–10
    (DEFAULT, "2026-11-30 00:00", "2026-12-07 00:00", 7 * 14.0),
    (WEEKDAYS_AND_SAT_NIGHT, "2026-12-05 00:00", "2026-12-07 10:00", 6.0 + 1.0),
    (HOLIDAY, "2026-10-01 00:00", "2026-10-03 00:00", 2.0),
    (DEFAULT, "2026-11-30 12:00", "2026-11-30 11:00", 0.0),
]


@pytest.mark.parametrize(("calendar", "start", "end", "hours"), SECONDS)
def test_open_seconds_between(
    calendar: ServiceCalendar, start: str, end: str, hours: float
) -> None:
    assert calendar.open_seconds_between(sh(start), sh(end)) == hours * 3600


def test_calendars_are_values() -> None:
    assert HOLIDAY == ServiceCalendar(
        holidays=frozenset({date(2026, 10, 1)}),
        exceptions={date(2026, 10, 2): spans("10:00-12:00")},
    )
    assert len({DEFAULT, ServiceCalendar(), HOLIDAY}) == 2  # hashable, usable as a cache key


def test_always_open_counts_wall_clock() -> None:
    calendar = ServiceCalendar.always_open()
    at = sh("2026-11-30 03:00")
    assert calendar.is_open(at)
    assert calendar.next_open(at) == at
    assert calendar.open_seconds_between(at, at + timedelta(hours=5)) == 5 * 3600


def test_daylight_saving_keeps_wall_clock_hours() -> None:
    """Berlin springs forward on 2027-03-28: 09:00–18:00 local is 8 h UTC before, 7 h after."""
    berlin = ZoneInfo("Europe/Berlin")
    calendar = ServiceCalendar(zone="Europe/Berlin", weekly=(spans("09:00-18:00"),) * 7)
    before = datetime(2027, 3, 27, 9, tzinfo=berlin).astimezone(UTC)
    after = datetime(2027, 3, 29, 9, tzinfo=berlin).astimezone(UTC)
    assert before.hour == 8 and after.hour == 7
    assert calendar.is_open(before) and calendar.is_open(after)
    assert not calendar.is_open(after - timedelta(minutes=1))
    # The weekend of the change: a 47-hour stretch of real time still holds 2 × 9 open hours.
    saturday = datetime(2027, 3, 27, tzinfo=berlin).astimezone(UTC)
    monday = datetime(2027, 3, 29, tzinfo=berlin).astimezone(UTC)
    assert monday - saturday == timedelta(hours=47)
    assert calendar.open_seconds_between(saturday, monday) == 18 * 3600
    # Overnight span across the change: 22:00–06:00 is 7 real hours that night.
    night = ServiceCalendar(zone="Europe/Berlin", weekly=(spans("22:00-06:00"),) * 7)
    start = datetime(2027, 3, 27, 22, tzinfo=berlin).astimezone(UTC)
    assert night.open_seconds_between(start, start + timedelta(hours=10)) == 7 * 3600


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        DEFAULT.is_open(datetime(2026, 11, 30, 12))


def test_the_wire_form_round_trips() -> None:
    calendar = parse_calendar(
        {
            "time_zone": "Europe/Berlin",
            "weekly": {
                "mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
                "tue": [],
                "wed": [{"start": "00:00", "end": "24:00"}],
                "thu": [],
                "fri": [{"start": "22:00", "end": "02:00"}],
                "sat": [{"start": "10:00", "end": "16:00"}],
                "sun": [],
            },
            "holidays": ["2026-12-25"],
            "exceptions": [{"date": "2026-12-24", "spans": [{"start": "09:00", "end": "12:00"}]}],
        },
        ServiceCalendar(),
    )
    assert parse_calendar(calendar_wire(calendar), ServiceCalendar()) == calendar
    assert calendar_wire(ServiceCalendar())["weekly"]["mon"] == [
        {"start": "09:00", "end": "18:00"},
        {"start": "18:00", "end": "23:00"},
    ]


def _week(**days: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    week: dict[str, list[dict[str, str]]] = {d: [] for d in "mon tue wed thu fri sat sun".split()}
    week.update(days)
    return week


BAD = [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": "../../etc/passwd"}, "time_zone"),
    ({"time_zone": 8}, "time_zone"),
    (
        {
            "weekly": _week(
                mon=[{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]
            )
        },
        "weekly.mon",
    ),
    (
        {
            "weekly": _week(
                sun=[{"start": "22:00", "end": "10:00"}], mon=[{"start": "09:00", "end": "12:00"}]
            )
        },
        "weekly.sun",
    ),
    ({"weekly": _week(mon=[{"start": "9:00", "end": "12:00"}])}, "weekly.mon[0].start"),
    ({"weekly": _week(mon=[{"start": "24:00", "end": "12:00"}])}, "weekly.mon[0].start"),
    ({"weekly": _week(mon=[{"start": "10:00", "end": "10:00"}])}, "weekly.mon[0]"),
    ({"weekly": {"mon": []}}, "weekly.tue"),
    ({"weekly": {**_week(), "funday": []}}, "weekly"),
    ({"holidays": ["2026-02-30"]}, "holidays[0]"),
    ({"holidays": ["30/12/2026"]}, "holidays[0]"),
    ({"holidays": "2026-10-01"}, "holidays"),
    (
        {"exceptions": [{"date": "2026-10-01", "spans": []}], "holidays": ["2026-10-01"]},
        "exceptions",
    ),
    ({"exceptions": [{"date": "2026-10-02"}, {"date": "2026-10-02"}]}, "exceptions[1].date"),
    ({"colour": "red"}, "colour"),
    ({}, None),
]


@pytest.mark.parametrize(("payload", "field"), BAD)
def test_bad_input_names_the_field(payload: dict[str, object], field: str | None) -> None:
    with pytest.raises(AppError) as caught:
        parse_calendar(payload, ServiceCalendar())
    assert caught.value.code == "invalid_payload"
    assert caught.value.field == field
    assert caught.value.message

"""Business hours over HTTP: supervisors read, admins edit, bad input is named field by field,
and a saved calendar is what the bot then goes by."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import InProcessApp

PATH = "/api/business-hours"
WEEK = {
    day: [{"start": "09:00", "end": "18:00"}]
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


async def test_supervisors_read_admins_edit_agents_neither(api: InProcessApp) -> None:
    await api.add_agent("lead", "组长", role="supervisor")
    agent = (await api.login("agent", "agent123"))["token"]
    lead = (await api.login("lead"))["token"]
    admin = (await api.login("admin", "admin123"))["token"]

    status, shown = await api.call("GET", PATH, lead)
    assert status == 200
    # The manual's shifts until an admin says otherwise; the test clock is Monday 10:00.
    assert shown["hours"]["time_zone"] == "Asia/Shanghai"
    assert shown["hours"]["weekly"]["mon"] == [
        {"start": "09:00", "end": "18:00"},
        {"start": "18:00", "end": "23:00"},
    ]
    assert shown["open_now"] is True and shown["next_open_text"] == "今天 10:00"

    status, refused = await api.call("GET", PATH, agent)
    assert status == 403 and refused["error"]["code"] == "forbidden"
    for token in (agent, lead):
        status, refused = await api.call("PUT", PATH, token, {"weekly": WEEK})
        assert status == 403 and refused["error"]["code"] == "forbidden"
    # The role first: an agent learns nothing from validation.
    status, _ = await api.call("PUT", PATH, agent, {"time_zone": "Mars/Base"})
    assert status == 403
    status, refused = await api.call("GET", PATH, "not-a-token")
    assert status == 401

    change = {
        "weekly": {**WEEK, "mon": [{"start": "11:00", "end": "18:00"}]},
        "holidays": ["2026-12-25"],
        "exceptions": [{"date": "2026-12-31", "spans": [{"start": "09:00", "end": "12:00"}]}],
    }
    status, saved = await api.call("PUT", PATH, admin, change)
    assert status == 200, saved
    assert saved["hours"]["weekly"]["mon"] == [{"start": "11:00", "end": "18:00"}]
    assert saved["hours"]["holidays"] == ["2026-12-25"]
    assert saved["open_now"] is False and saved["next_open_text"] == "今天 11:00"
    # Other fields keep their values when one is changed.
    status, again = await api.call("PUT", PATH, admin, {"time_zone": "Asia/Tokyo"})
    assert again["hours"]["holidays"] == ["2026-12-25"]
    assert again["hours"]["time_zone"] == "Asia/Tokyo"
    status, shown = await api.call("GET", PATH, lead)
    assert shown["hours"] == again["hours"]


async def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(
    api: InProcessApp,
) -> None:
    admin = (await api.login("admin", "admin123"))["token"]
    overlap = [{"start": "09:00", "end": "12:00"}, {"start": "11:30", "end": "14:00"}]
    cases: list[tuple[Any, str | None]] = [
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"weekly": {**WEEK, "tue": overlap}}, "weekly.tue"),
        ({"weekly": {**WEEK, "wed": [{"start": "25:00", "end": "26:00"}]}}, "weekly.wed[0].start"),
        ({"weekly": {"mon": []}}, "weekly.tue"),
        ({"holidays": ["2026-13-01"]}, "holidays[0]"),
        ({"holidays": ["tomorrow"]}, "holidays[0]"),
        ({"exceptions": [{"date": "2026-02-29", "spans": []}]}, "exceptions[0].date"),
        ({"exceptions": [{"date": "2026-12-31", "spans": overlap}]}, "exceptions[0].spans"),
        ({"opening": "always"}, "opening"),
        ({}, None),
    ]
    for body, field in cases:
        status, refused = await api.call("PUT", PATH, admin, body)
        assert status == 400, body
        assert refused["error"]["code"] == "invalid_payload"
        assert refused["error"].get("field") == field, (body, refused)
        assert refused["error"]["message"]
    status, refused = await api.call("PUT", PATH, admin, ["not", "an", "object"])
    assert status == 400 and refused["error"]["code"] == "invalid_payload"

    status, shown = await api.call("GET", PATH, admin)
    assert shown["hours"]["time_zone"] == "Asia/Shanghai" and shown["hours"]["holidays"] == []


async def test_two_first_saves_at_once_both_land(api: InProcessApp) -> None:
    """The shop's row is locked before the calendar is read: neither save is lost, and the
    two inserts of the first row do not collide."""
    admin = (await api.login("admin", "admin123"))["token"]
    results = await asyncio.gather(
        api.call("PUT", PATH, admin, {"time_zone": "Asia/Tokyo"}),
        api.call("PUT", PATH, admin, {"holidays": ["2026-12-25"]}),
    )
    assert [status for status, _ in results] == [200, 200], results
    status, shown = await api.call("GET", PATH, admin)
    assert status == 200
    assert shown["hours"]["time_zone"] == "Asia/Tokyo"
    assert shown["hours"]["holidays"] == ["2026-12-25"]

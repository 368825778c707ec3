"""Report figures against conversations with known times (tests/api/report_fixtures.py): each
number worked out by hand, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chatserver.db.engine import Database
from chatserver.seed import seed_demo
from chatserver.views.reports import ReportViews
from tests.api.report_fixtures import DAY1_START, DAY2_END, insert_chats

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def reports(database_url: str) -> AsyncIterator[tuple[ReportViews, dict[str, int], int]]:
    db = Database(database_url)
    await seed_demo(db)
    ids = await insert_chats(db)
    from sqlalchemy import select

    from chatserver.db.models import Shop

    async with db.sessions() as session:
        shop_id = await session.scalar(select(Shop.id).where(Shop.slug == "demo"))
    assert shop_id is not None
    try:
        yield ReportViews(db), ids, shop_id
    finally:
        await db.dispose()


def _pick(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: row[name] for name in names}


async def test_daily_figures_split_at_the_local_midnight(
    reports: tuple[ReportViews, dict[str, int], int],
) -> None:
    views, _ids, shop = reports
    report = await views.report(
        shop, dimension="shop", start=DAY1_START, end=DAY2_END, period="day", zone=SHANGHAI
    )
    assert (report["from"], report["to"], report["zone"]) == (
        "2020-03-09T16:00:00Z",
        "2020-03-11T16:00:00Z",
        "Asia/Shanghai",
    )
    day1, day2 = report["rows"]
    assert (day1["period"], day1["start"], day1["end"]) == (
        "2020-03-10",
        "2020-03-09T16:00:00Z",
        "2020-03-10T16:00:00Z",
    )
    assert day1 == {
        **day1,
        "conversations": 4,
        "bot_resolved": 1,
        "bot_resolved_share": 0.25,
        "handed_off": 3,
        "handoff_reasons": {"requested": 1, "complaint": 1, "bot_unsure": 1},
        "complaints": 1,
        "answered": 3,
        "first_response_avg_s": 106.7,  # (30 + 200 + 90) / 3
        "first_response_p90_s": 178.0,  # 90 + 0.8 × (200 − 90)
        "within_sla": 2,  # 30 ≤ 60 and, after-sales, 200 ≤ 300; not 90 > 60
        "within_sla_share": 0.6667,
        "sla_breaches": 3,
        "handled": 2,
        "handling_avg_s": 900.0,
        "rated": 2,
        "satisfied": 1,
        "satisfaction_rate": 0.5,
        "rating_avg": 4.0,
        "messages": 12,  # every line: shoppers', agents' and the bot's
    }
    assert day2["period"] == "2020-03-11"
    assert _pick(
        day2,
        "conversations",
        "bot_resolved",
        "bot_resolved_share",
        "answered",
        "first_response_avg_s",
        "first_response_p90_s",
        "within_sla_share",
        "handled",
        "handling_avg_s",
        "rated",
        "satisfaction_rate",
        "messages",
    ) == {
        "conversations": 11,
        "bot_resolved": 1,
        "bot_resolved_share": 0.0909,
        "answered": 10,
        "first_response_avg_s": 55.0,
        "first_response_p90_s": 91.0,  # 90 + 0.1 × (100 − 90)
        "within_sla_share": 0.6,
        "handled": 0,
        "handling_avg_s": None,
        "rated": 0,
        "satisfaction_rate": None,
        "messages": 1,
    }


async def test_per_agent_and_per_group_over_the_whole_range(
    reports: tuple[ReportViews, dict[str, int], int],
) -> None:
    views, ids, shop = reports
    agents = await views.report(
        shop, dimension="agents", start=DAY1_START, end=DAY2_END, period="all", zone=SHANGHAI
    )
    xiaomei, lily, nobody = agents["rows"]
    assert xiaomei["agent"] == {"id": ids["agent"], "name": "小美"}
    assert _pick(
        xiaomei, "conversations", "first_response_avg_s", "first_response_p90_s", "within_sla_share"
    ) == {
        "conversations": 2,
        "first_response_avg_s": 115.0,
        "first_response_p90_s": 183.0,  # 30 + 0.9 × (200 − 30)
        "within_sla_share": 1.0,
    }
    assert lily["agent"] == {"id": ids["lily"], "name": "莉莉"}
    assert _pick(
        lily,
        "conversations",
        "first_response_avg_s",
        "first_response_p90_s",
        "within_sla",
        "sla_breaches",
    ) == {
        "conversations": 11,
        "first_response_avg_s": 58.2,  # (10 + … + 100 + 90) / 11
        "first_response_p90_s": 90.0,  # the 10th of 11 sorted: exactly a value
        "within_sla": 6,
        "sla_breaches": 2,
    }
    assert nobody["agent"] is None
    assert (nobody["conversations"], nobody["bot_resolved"], nobody["period"]) == (2, 2, "全部")

    groups = await views.report(
        shop, dimension="groups", start=DAY1_START, end=DAY2_END, period="all", zone=SHANGHAI
    )
    assert [(line["group"], line["conversations"]) for line in groups["rows"]] == [
        ({"id": ids["presales"], "name": "售前"}, 12),
        ({"id": ids["aftersales"], "name": "售后"}, 1),
        (None, 2),
    ]
    assert groups["targets"]["first_response_by_group_s"] == {
        str(ids["presales"]): 60,
        str(ids["aftersales"]): 300,
    }


async def test_weeks_months_and_filters(reports: tuple[ReportViews, dict[str, int], int]) -> None:
    views, ids, shop = reports
    start = datetime(2020, 3, 1, tzinfo=SHANGHAI)
    end = datetime(2020, 4, 1, tzinfo=SHANGHAI)
    month = await views.report(
        shop, dimension="shop", start=start, end=end, period="month", zone=SHANGHAI
    )
    assert [(r["period"], r["conversations"]) for r in month["rows"]] == [("2020-03", 16)]

    # Weeks start on Monday (2020-03-01 is a Sunday, so the first week began on 02-24).
    weeks = await views.report(
        shop, dimension="shop", start=start, end=end, period="week", zone=SHANGHAI
    )
    assert [r["period"] for r in weeks["rows"]] == [
        "2020-02-24",
        "2020-03-02",
        "2020-03-09",
        "2020-03-16",
        "2020-03-23",
        "2020-03-30",
    ]
    assert weeks["rows"][0]["start"] == "2020-02-29T16:00:00Z"  # clipped to `from`
    assert [r["conversations"] for r in weeks["rows"]] == [0, 0, 16, 0, 0, 0]

    only_lily = await views.report(
        shop,
        dimension="shop",
        start=DAY1_START,
        end=DAY2_END,
        period="day",
        zone=SHANGHAI,
        agent_id=ids["lily"],
    )
    assert [r["conversations"] for r in only_lily["rows"]] == [1, 10]
    aftersales = await views.report(
        shop,
        dimension="agents",
        start=DAY1_START,
        end=DAY2_END,
        period="all",
        zone=SHANGHAI,
        group_id=ids["aftersales"],
    )
    assert [
        (r["agent"]["id"], r["conversations"], r["complaints"]) for r in aftersales["rows"]
    ] == [(ids["agent"], 1, 1)]


async def test_a_zone_west_of_utc_moves_the_day(
    reports: tuple[ReportViews, dict[str, int], int],
) -> None:
    views, _ids, shop = reports
    # Summer time began in New York on 2020-03-08: UTC−4, so 01:00Z on the 10th is the 9th.
    new_york = ZoneInfo("America/New_York")
    report = await views.report(
        shop,
        dimension="shop",
        start=datetime(2020, 3, 9, tzinfo=new_york),
        end=datetime(2020, 3, 12, tzinfo=new_york),
        period="day",
        zone=new_york,
    )
    assert [(r["period"], r["start"], r["conversations"]) for r in report["rows"]] == [
        ("2020-03-09", "2020-03-09T04:00:00Z", 4),
        ("2020-03-10", "2020-03-10T04:00:00Z", 12),
        ("2020-03-11", "2020-03-11T04:00:00Z", 0),
    ]

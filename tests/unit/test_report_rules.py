"""Report rules without a database: local periods (summer time included), the p90 neighbours,
shares and targets."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from chatserver.domain import reports as rules
from chatserver.domain.sla_policy import SHOP_DEFAULT, default_for_group
from chatserver.errors import AppError

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_days_follow_summer_time() -> None:
    days = rules.buckets(
        datetime(2020, 3, 7, tzinfo=NEW_YORK),
        datetime(2020, 3, 10, tzinfo=NEW_YORK),
        "day",
        NEW_YORK,
    )
    assert [d.label for d in days] == ["2020-03-07", "2020-03-08", "2020-03-09"]
    hours = [(d.end - d.start).total_seconds() / 3600 for d in days]
    assert hours == [24, 23, 24]  # clocks went forward on the 8th
    assert days[0].start == datetime(2020, 3, 7, 5, tzinfo=UTC)


def test_weeks_start_on_monday_and_months_on_the_first_clipped_to_the_range() -> None:
    start = datetime(2026, 11, 25, 12, tzinfo=SHANGHAI)  # a Wednesday, noon
    end = datetime(2027, 1, 3, tzinfo=SHANGHAI)
    weeks = rules.buckets(start, end, "week", SHANGHAI)
    assert weeks[0].label == "2026-11-23" and weeks[0].start == start.astimezone(UTC)
    assert weeks[-1].label == "2026-12-28" and weeks[-1].end == end.astimezone(UTC)
    months = rules.buckets(start, end, "month", SHANGHAI)
    assert [m.label for m in months] == ["2026-11", "2026-12", "2027-01"]
    assert months[1].start == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert [b.label for b in rules.buckets(start, end, "all", SHANGHAI)] == ["全部"]


def test_too_many_periods_and_an_empty_range_are_refused() -> None:
    start = datetime(2020, 1, 1, tzinfo=SHANGHAI)
    with pytest.raises(AppError) as refused:
        rules.buckets(start, datetime(2021, 3, 1, tzinfo=SHANGHAI), "day", SHANGHAI)
    assert refused.value.field == "period"
    assert len(rules.buckets(start, datetime(2021, 3, 1, tzinfo=SHANGHAI), "week", SHANGHAI)) == 61
    with pytest.raises(AppError) as empty:
        rules.buckets(start, start, "day", SHANGHAI)
    assert empty.value.field == "from"


@pytest.mark.parametrize("values", [[7.0], [1.0, 9.0], [30.0, 90.0, 200.0], list(range(1, 14))])
def test_p90_neighbours_interpolate_as_percentile_cont(values: list[float]) -> None:
    ordered = sorted(float(v) for v in values)
    index, weight = rules.p90_position(len(ordered))
    upper = ordered[index + 1] if index + 1 < len(ordered) else None
    found = rules.interpolate(ordered[index], upper, weight)
    # statistics' "inclusive" quantiles are percentile_cont's definition
    expected = (
        statistics.quantiles(ordered, n=10, method="inclusive")[-1]
        if len(ordered) > 1
        else ordered[0]
    )
    assert found == pytest.approx(expected)


def test_shares_targets_and_rounding() -> None:
    assert rules.share(2, 3) == 0.6667 and rules.share(0, 0) is None
    assert rules.seconds(106.66666) == 106.7 and rules.seconds(None) is None
    assert default_for_group("aftersales", SHOP_DEFAULT).first_response_s == 300
    assert default_for_group(None, SHOP_DEFAULT).first_response_s == 60

"""The shape of `PUT /api/business-hours` for the OpenAPI document. The body is checked by
domain/hours_settings.parse_calendar, which merges it into the stored calendar (a field left
out keeps its value), so this model only describes it and never parses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, create_model

from chatserver.domain.business_hours import WEEKDAYS
from chatserver.domain.hours_settings import MAX_DATES

TIME = r"^([01]\d|2[0-4]):([0-5]\d)$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


class Span(BaseModel):
    start: str = Field(pattern=TIME, description="HH:MM，店铺时区")
    end: str = Field(pattern=TIME)


class ExceptionDay(BaseModel):
    date: str = Field(pattern=DATE)
    spans: list[Span]


# All seven days, mon … sun, each a list of spans (none: closed).
Weekly = create_model(
    "Weekly",
    __config__=ConfigDict(extra="forbid"),
    **{day: (list[Span], ...) for day in WEEKDAYS},  # type: ignore[call-overload]
)


class BusinessHoursChange(BaseModel):
    """Any of the fields; at least one."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(None, description="IANA 时区，例如 Asia/Shanghai")
    weekly: Weekly | None = None
    holidays: list[str] | None = Field(None, max_length=MAX_DATES)
    exceptions: list[ExceptionDay] | None = Field(None, max_length=MAX_DATES)

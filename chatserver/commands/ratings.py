"""What a shopper sends to rate a service, and what a report asks for (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import PlainValidator, model_validator

from chatserver.commands.base import Command
from chatserver.domain.ratings import clean_comment, clean_score
from chatserver.errors import invalid

Score = Annotated[int, PlainValidator(clean_score, json_schema_input_type=int)]
Comment = Annotated[str | None, PlainValidator(clean_comment, json_schema_input_type=str | None)]


class RateService(Command):
    """`rate` on /visitor: the score of the service round just closed, and an optional comment."""

    shape_error: ClassVar[str] = "评价格式不正确"
    score: Score
    comment: Comment = None


def instant_parser(field: str) -> Callable[[Any], datetime | None]:
    """An aware ISO 8601 instant, or None for absent or empty; errors name the field."""

    def parse(value: Any) -> datetime | None:
        if value is None or value == "":
            return None
        message = f"{field} 必须是带时区的 ISO 8601 时间，例如 2026-11-25T00:00:00+08:00"
        if not isinstance(value, str) or len(value) > 40:
            raise invalid(message, field=field)
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            raise invalid(message, field=field) from None
        if instant.tzinfo is None:
            raise invalid(message, field=field)
        return instant

    return parse


def instant_field(field: str) -> PlainValidator:
    return PlainValidator(instant_parser(field), json_schema_input_type=str | None)


def _agent_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.isdigit() or len(value) > 18:
        raise invalid("agent_id 必须是整数", field="agent_id")
    return int(value)


class RatingSummaryQuery(Command):
    """`GET /api/ratings/summary?from=&to=&agent_id=`: `start` is the query's `from`, `end` its
    `to` (from inclusive, to exclusive; either may be left out)."""

    start: Annotated[datetime | None, instant_field("from")] = None
    end: Annotated[datetime | None, instant_field("to")] = None
    agent_id: Annotated[int | None, PlainValidator(_agent_id, json_schema_input_type=str)] = None

    @model_validator(mode="after")
    def _range(self) -> RatingSummaryQuery:
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise invalid("from 必须早于 to", field="from")
        return self

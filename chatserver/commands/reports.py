"""What a report asks for: `GET /api/reports/{shop|agents|groups}` (docs/protocol.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import PlainValidator

from chatserver.commands.base import Command
from chatserver.commands.ratings import instant_parser
from chatserver.domain.reports import PERIODS, Period
from chatserver.errors import invalid

ExportFormat = Literal["json", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "xlsx")


def _id_field(field: str, what: str) -> PlainValidator:
    def parse(value: Any) -> int | None:
        if value is None or value == "":
            return None
        if (
            not isinstance(value, str)
            or not (value.isascii() and value.isdigit())
            or len(value) > 18
        ):
            raise invalid(f"{what}必须是整数编号", field=field)
        return int(value)

    return PlainValidator(parse, json_schema_input_type=str | None)


def _choice(field: str, allowed: tuple[str, ...], default: str | None) -> PlainValidator:
    def parse(value: Any) -> str | None:
        if value is None or value == "":
            return default
        if value not in allowed:
            raise invalid(f"{field} 只能是 {' / '.join(allowed)}", field=field)
        return str(value)

    return PlainValidator(parse, json_schema_input_type=str | None)


def _moment(field: str) -> PlainValidator:
    """An instant with a zone, or a plain date (a whole local day of the shop)."""
    instant = instant_parser(field)

    def parse(value: Any) -> datetime | date | None:
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return instant(value)

    return PlainValidator(parse, json_schema_input_type=str | None)


class ReportQuery(Command):
    """`from` (inclusive) and `to` (exclusive) are instants with a zone, or dates (`from` the
    day's local start, `to` its end), both optional (the last 30 local days); `period`
    day | week | month | all; `group` and `agent` narrow it down."""

    start: Annotated[datetime | date | None, _moment("from")] = None
    end: Annotated[datetime | date | None, _moment("to")] = None
    period: Annotated[Period | None, _choice("period", PERIODS, None)] = None
    group_id: Annotated[int | None, _id_field("group", "分组")] = None
    agent_id: Annotated[int | None, _id_field("agent", "客服")] = None
    format: Annotated[ExportFormat, _choice("format", FORMATS, "json")] = "json"

"""Reports for supervisors and admins: JSON, CSV or Excel (docs/protocol.md, "Reports")."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from aiohttp import web

from chatserver.api.common import current_supervisor, parts_of
from chatserver.api.routes import SUPERVISORS, Param, Route, add, choice, integer
from chatserver.commands.base import parse
from chatserver.commands.reports import ReportQuery
from chatserver.domain import reports as rules
from chatserver.errors import AppError
from chatserver.views import report_export

DEFAULT_DAYS = 30
DIMENSIONS: dict[str, rules.Dimension] = {"shop": "shop", "agents": "agents", "groups": "groups"}
DEFAULT_PERIOD: dict[rules.Dimension, rules.Period] = {
    "shop": "day",
    "agents": "all",
    "groups": "all",
}
FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_TITLES: dict[rules.Dimension, str] = {
    "shop": "全店报表",
    "agents": "客服报表",
    "groups": "分组报表",
}


def default_range(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The last 30 local days, today included."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    end = datetime.combine(tomorrow, time(0), tzinfo=zone)
    start = datetime.combine(tomorrow - timedelta(days=DEFAULT_DAYS), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _instant(value: datetime | date, zone: ZoneInfo, *, day_end: bool) -> datetime:
    """A plain date is a whole local day: `from` its start, `to` its end."""
    if isinstance(value, datetime):
        return value
    day = value + timedelta(days=1) if day_end else value
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _attachment(title: str, day: str, extension: str) -> str:
    readable = quote(f"{title}-{day}.{extension}")
    return f"attachment; filename=\"report-{day}.{extension}\"; filename*=UTF-8''{readable}"


async def report(request: web.Request) -> web.StreamResponse:
    actor = await current_supervisor(request, "只有主管或管理员可以查看报表")
    dimension = DIMENSIONS.get(request.match_info["dimension"])
    if dimension is None:
        raise AppError("not_found", "没有这种报表")
    query = request.query
    command = parse(
        ReportQuery,
        {
            "start": query.get("from"),
            "end": query.get("to"),
            "period": query.get("period"),
            "group_id": query.get("group"),
            "agent_id": query.get("agent"),
            "format": query.get("format"),
        },
    )
    views = parts_of(request).reports
    zone = await views.zone_of(actor.shop.id)
    start, end = default_range(datetime.now(UTC), zone)
    start = start if command.start is None else _instant(command.start, zone, day_end=False)
    end = end if command.end is None else _instant(command.end, zone, day_end=True)
    found = await views.report(
        actor.shop.id,
        dimension=dimension,
        start=start,
        end=end,
        period=command.period or DEFAULT_PERIOD[dimension],
        zone=zone,
        agent_id=command.agent_id,
        group_id=command.group_id,
    )
    if command.format == "json":
        return web.json_response(found)
    writer = report_export.to_csv if command.format == "csv" else report_export.to_xlsx
    body = await asyncio.to_thread(writer, found)
    title = FILE_TITLES[dimension]
    first_day = start.astimezone(zone).date().isoformat()
    return web.Response(
        body=body,
        headers={
            "Content-Type": FILE_TYPES[command.format],
            "Content-Disposition": _attachment(title, first_day, command.format),
            "Cache-Control": "no-store",
        },
    )


def add_routes(app: web.Application) -> None:
    add(
        app,
        "报表",
        [
            Route(
                "GET",
                "/api/reports/{dimension}",
                report,
                "报表（全店、客服、分组）",
                SUPERVISORS,
                path_schemas={"dimension": {"type": "string", "enum": list(DIMENSIONS)}},
                query=(
                    Param("from", {"type": "string"}, "ISO 8601 时间（带时区）或日期"),
                    Param("to", {"type": "string"}, "ISO 8601 时间（带时区）或日期"),
                    choice("period", ("day", "week", "month", "all")),
                    integer("group", "分组 id"),
                    integer("agent", "客服 id"),
                    choice("format", ("json", *FILE_TYPES)),
                ),
                files=("json", "csv", "xlsx"),
            )
        ],
    )

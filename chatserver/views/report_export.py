"""A report as a file: CSV (UTF-8 with a BOM, so Excel reads the Chinese) and Excel (.xlsx).

Text a person typed (an agent's or a group's name) is never run as a formula: in the CSV a
cell starting with = + - @ gets a leading apostrophe (CSV injection), in the workbook every
text cell is typed as a string.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any, Final, Literal

from openpyxl import Workbook
from openpyxl.styles import Font

Wire = dict[str, Any]
Kind = Literal["text", "count", "share", "seconds", "score"]

HANDOFF_TEXT: Final = {
    "requested": "顾客要求转人工",
    "complaint": "投诉",
    "bot_unsure": "机器人无法回答",
    "photo": "顾客发来图片",
}
DIMENSION_TEXT: Final = {"shop": "全店", "agents": "客服", "groups": "分组"}
UNASSIGNED: Final = {"agents": "未接入人工", "groups": "未分组"}
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _holder(report: Wire) -> Callable[[Wire], str]:
    dimension = report["dimension"]
    field = {"agents": "agent", "groups": "group"}.get(dimension)

    def name(row: Wire) -> str:
        if field is None:
            return "全店"
        holder = row.get(field)
        return UNASSIGNED[dimension] if holder is None else str(holder["name"])

    return name


def _reasons(row: Wire) -> str:
    reasons = row["handoff_reasons"]
    return "；".join(f"{HANDOFF_TEXT.get(r, r)} {n}" for r, n in sorted(reasons.items()))


def columns(report: Wire) -> list[tuple[str, Kind, Callable[[Wire], Any]]]:
    def figure(name: str) -> Callable[[Wire], Any]:
        return lambda row: row[name]

    return [
        ("周期", "text", figure("period")),
        (DIMENSION_TEXT[report["dimension"]], "text", _holder(report)),
        ("会话数", "count", figure("conversations")),
        ("机器人独立解决", "count", figure("bot_resolved")),
        ("机器人解决率", "share", figure("bot_resolved_share")),
        ("转人工", "count", figure("handed_off")),
        ("转人工原因", "text", _reasons),
        ("投诉", "count", figure("complaints")),
        ("已回复", "count", figure("answered")),
        ("平均首次响应（秒）", "seconds", figure("first_response_avg_s")),
        ("首次响应P90（秒）", "seconds", figure("first_response_p90_s")),
        ("首次响应达标", "count", figure("within_sla")),
        ("首次响应达标率", "share", figure("within_sla_share")),
        ("超时次数", "count", figure("sla_breaches")),
        ("已结束人工会话", "count", figure("handled")),
        ("平均处理时长（秒）", "seconds", figure("handling_avg_s")),
        ("评价数", "count", figure("rated")),
        ("满意（4–5分）", "count", figure("satisfied")),
        ("满意率", "share", figure("satisfaction_rate")),
        ("平均评分", "score", figure("rating_avg")),
        ("消息数", "count", figure("messages")),
    ]


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(kind: Kind, value: Any) -> str:
    if value is None:
        return ""
    if kind == "text":
        return _safe_text(str(value))
    if kind == "share":
        return f"{value * 100:.2f}%"
    return str(value)


def to_csv(report: Wire) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    chosen = columns(report)
    writer.writerow([header for header, _kind, _get in chosen])
    for row in report["rows"]:
        writer.writerow([_csv_cell(kind, get(row)) for _header, kind, get in chosen])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


NUMBER_FORMATS: Final[dict[Kind, str]] = {
    "count": "0",
    "share": "0.00%",
    "seconds": "0.0",
    "score": "0.00",
}


def to_xlsx(report: Wire) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "报表"
    chosen = columns(report)
    sheet.append([header for header, _kind, _get in chosen])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report["rows"]:
        sheet.append([get(row) for _header, _kind, get in chosen])
    for index, (_header, kind, _get) in enumerate(chosen, start=1):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if kind == "text":
                # openpyxl reads a string starting with = as a formula: a name stays text
                cell.data_type = "s"
            else:
                cell.number_format = NUMBER_FORMATS[kind]
    sheet.freeze_panes = "C2"
    for letter in ("A", "B", "G"):
        sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

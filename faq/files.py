"""A shop's FAQ as a file: read and write JSON, CSV and Excel (.xlsx), pure (no database).

One row per entry with the columns id, question, similar, answer, category, enabled. In CSV and
Excel the similar questions share one cell, one per line, and the header may be in Chinese (as
written) or English. JSON is a list of entry objects, or `{"items": [...]}` exactly as the
server's `GET /api/faq` answers; fields this format does not know (`key`, `updated_at`) are
ignored. Reading never stops at the first bad row: every row's problems come back together,
numbered as a person sees them (the spreadsheet's row, the JSON list's position), so an import
can be refused as a whole with one clear line per row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faq import workbook
from faq.entries import FaqEntry, FaqFileError

__all__ = [
    "FORMATS",
    "FaqRecord",
    "FaqSheet",
    "RowError",
    "format_of",
    "load_faq_file",
    "read_faq",
    "records_from_entries",
    "write_faq",
]

FORMATS = ("json", "csv", "xlsx")
COLUMNS = ("id", "question", "similar", "answer", "category", "enabled")
HEADERS = dict(zip(COLUMNS, ("编号", "标准问题", "相似问法", "答案", "分类", "启用"), strict=True))
_HEADER_NAMES = {**{name: name for name in COLUMNS}, **{v: k for k, v in HEADERS.items()}}
_YES = frozenset({"是", "启用", "true", "yes", "y", "1", ""})
_NO = frozenset({"否", "停用", "false", "no", "n", "0"})
# More rows than any shop may hold (2,000) but a bound on what a file can make us build.
MAX_ROWS = 10_000
# A CSV cell starting with one of these runs as a formula when the file is opened in Excel;
# written with a leading apostrophe, which reading takes off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_LINES = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class FaqRecord:
    """One entry as a file holds it. `id` is the file's own id (the server's number, or a
    key such as "shipping_time"); None when the row has none."""

    question: str
    answer: str
    similar: tuple[str, ...] = ()
    category: str = ""
    enabled: bool = True
    id: str | None = None
    row: int = 0


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str
    # A spreadsheet's 行 (its row number, header included), a JSON list's 条 (from 1).
    unit: str = "行"

    def text(self) -> str:
        return f"第 {self.row} {self.unit}：{self.message}"


@dataclass
class FaqSheet:
    records: list[FaqRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def format_of(name: str) -> str:
    """The format a file name says (.json, .csv, .xlsx), or FaqFileError."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FaqFileError(f"不支持的文件类型“{suffix or name}”，请使用 JSON、CSV 或 Excel (.xlsx)")
    return suffix


# ---- reading -----------------------------------------------------------------------------------


def _text(value: Any, row: int, name: str, errors: list[RowError], *, required: bool) -> str:
    value = "" if value is None else value
    value = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if not isinstance(value, str):
        errors.append(RowError(row, name, f"{HEADERS[name]}必须是文字"))
        return ""
    text = value.strip()
    if required and not text:
        errors.append(RowError(row, name, f"{HEADERS[name]}不能为空"))
    return text


def _similar(value: Any, row: int, errors: list[RowError]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = _LINES.split(value)
    elif isinstance(value, list):
        items = value
    else:
        errors.append(RowError(row, "similar", "相似问法必须是文字（每行一条）或文字列表"))
        return ()
    if not all(isinstance(item, str) for item in items):
        errors.append(RowError(row, "similar", "相似问法必须是文字"))
        return ()
    return tuple(item.strip() for item in items if item.strip())


def _enabled(value: Any, row: int, errors: list[RowError]) -> bool:
    text = str(value).strip().lower() if value is not None else ""
    if isinstance(value, bool) or text in _YES or text in _NO:
        return value if isinstance(value, bool) else text in _YES
    errors.append(RowError(row, "enabled", f"启用一栏只能填“是”或“否”，不能是“{value}”"))
    return True


def _id(value: Any, row: int, errors: list[RowError]) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps every number as a float
    if value is None or (isinstance(value, str | int) and not isinstance(value, bool)):
        return (str(value).strip() or None) if value is not None else None
    errors.append(RowError(row, "id", "编号必须是数字或文字"))
    return None


def _record(raw: Mapping[str, Any], row: int, errors: list[RowError]) -> FaqRecord:
    return FaqRecord(
        id=_id(raw.get("id"), row, errors),
        question=_text(raw.get("question"), row, "question", errors, required=True),
        similar=_similar(raw.get("similar"), row, errors),
        answer=_text(raw.get("answer"), row, "answer", errors, required=True),
        category=_text(raw.get("category"), row, "category", errors, required=False),
        enabled=_enabled(raw.get("enabled"), row, errors),
        row=row,
    )


def _sheet(rows: Iterable[tuple[int, Mapping[str, Any]]], unit: str) -> FaqSheet:
    sheet = FaqSheet()
    seen: dict[str, int] = {}
    # Every row read counts, good or bad: a huge file of bad rows is refused too.
    for count, (row, raw) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise FaqFileError(f"文件最多 {MAX_ROWS} 行")
        before = len(sheet.errors)
        record = _record(raw, row, sheet.errors)
        if record.id is not None:
            if record.id in seen:
                sheet.errors.append(
                    RowError(row, "id", f"编号“{record.id}”与第 {seen[record.id]} {unit}重复")
                )
            seen.setdefault(record.id, row)
        if len(sheet.errors) == before:
            sheet.records.append(record)
    sheet.errors = [RowError(e.row, e.field, e.message, unit) for e in sheet.errors]
    return sheet


def _json_rows(data: bytes) -> Iterable[tuple[int, Mapping[str, Any]]]:
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FaqFileError("JSON 文件必须是 UTF-8 编码") from error
    except (ValueError, RecursionError) as error:
        raise FaqFileError(f"不是合法的 JSON：{error}") from error
    if isinstance(decoded, dict) and isinstance(decoded.get("items"), list):
        decoded = decoded["items"]
    if not isinstance(decoded, list):
        raise FaqFileError('JSON 文件应是问答列表，或 {"items": [...]}')
    for position, item in enumerate(decoded, start=1):
        if not isinstance(item, dict):
            raise FaqFileError(f"第 {position} 条不是对象")
        yield position, item


def _columns(header: Iterable[Any]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        known = _HEADER_NAMES.get(str(name or "").strip().lstrip("\ufeff").lower()) or (
            _HEADER_NAMES.get(str(name or "").strip())
        )
        if known and known not in columns.values():
            columns[index] = known
    missing = [HEADERS[name] for name in ("question", "answer") if name not in columns.values()]
    if missing:
        raise FaqFileError(
            f"第 1 行应是表头，缺少“{'”“'.join(missing)}”列（表头：{'、'.join(HEADERS.values())}）"
        )
    return columns


def _table_rows(table: Iterable[Iterable[Any]]) -> Iterable[tuple[int, Mapping[str, Any]]]:
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise FaqFileError("文件是空的")
    columns = _columns(header)
    for number, cells in enumerate(rows, start=2):
        values = list(cells)
        raw = {name: values[i] if i < len(values) else None for i, name in columns.items()}
        if all(value is None or str(value).strip() == "" for value in raw.values()):
            continue  # a blank line between entries
        yield number, raw


def _unescape_cell(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] in _FORMULA_START else value


def _csv_rows(data: bytes) -> Iterable[tuple[int, Mapping[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves CSV in the local code page.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise FaqFileError("CSV 文件的编码无法识别，请另存为 UTF-8") from error
    try:
        table = [[_unescape_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise FaqFileError(f"CSV 格式有误：{error}") from error
    return _table_rows(table)


def _xlsx_rows(data: bytes) -> Iterable[tuple[int, Mapping[str, Any]]]:
    return list(_table_rows(workbook.read_table(data)))


def read_faq(data: bytes, fmt: str) -> FaqSheet:
    """The records of a file and the problems of its rows; FaqFileError when the file as a
    whole cannot be read (not JSON, not a workbook, no header)."""
    readers = {"json": _json_rows, "csv": _csv_rows, "xlsx": _xlsx_rows}
    if fmt not in readers:
        raise FaqFileError(f"不支持的格式“{fmt}”")
    return _sheet(readers[fmt](data), "条" if fmt == "json" else "行")


# ---- writing -----------------------------------------------------------------------------------


def _json_id(value: str | None) -> str | int | None:
    return (
        int(value) if value is not None and value.isdigit() and str(int(value)) == value else value
    )


def _cells(record: FaqRecord) -> list[Any]:
    return [
        _json_id(record.id),
        record.question,
        "\n".join(record.similar),
        record.answer,
        record.category,
        "是" if record.enabled else "否",
    ]


def _escape_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_faq(records: Iterable[FaqRecord], fmt: str) -> bytes:
    """The file of these records; reading it back gives the same records."""
    records = list(records)
    if fmt == "json":
        items = [
            {
                "id": _json_id(r.id),
                "question": r.question,
                "similar": list(r.similar),
                "answer": r.answer,
                "category": r.category,
                "enabled": r.enabled,
            }
            for r in records
        ]
        return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    header = [HEADERS[name] for name in COLUMNS]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([_escape_cell(cell) for cell in _cells(r)] for r in records)
        # With a byte-order mark Excel opens UTF-8 Chinese text correctly.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        return workbook.write_table(header, [_cells(r) for r in records])
    raise FaqFileError(f"不支持的格式“{fmt}”")


# ---- for the matcher's command line -------------------------------------------------------------


def records_from_entries(entries: Iterable[FaqEntry]) -> list[FaqRecord]:
    return [
        FaqRecord(e.question, e.answer, e.similar, e.category, e.enabled, id=e.id) for e in entries
    ]


def load_faq_file(path: str | Path) -> list[FaqEntry]:
    """The entries of a FAQ file in any of the formats (by its extension); FaqFileError naming
    the file and every bad row. A row without an id is named by its row number."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FaqFileError(f"{path}: cannot read: {error.strerror or error}") from error
    try:
        sheet = read_faq(data, format_of(path.name))
    except FaqFileError as error:
        raise FaqFileError(f"{path}: {error}") from error
    if sheet.errors:
        raise FaqFileError(f"{path}: " + "; ".join(e.text() for e in sheet.errors))
    return [
        FaqEntry(r.id or f"row-{r.row}", r.question, r.answer, r.similar, r.category, r.enabled)
        for r in sheet.records
    ]

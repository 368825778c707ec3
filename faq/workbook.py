"""Excel (.xlsx) tables for faq/files.py: rows of cell values in, rows of cell values out.

Written so that the same rows give the same bytes (the export of an unchanged FAQ does not
change), and read with a bound on what an uploaded zip may unpack to.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from faq.entries import FaqFileError

__all__ = ["read_table", "write_table"]

# An .xlsx is a zip: refuse one that would unpack into more than this (a zip bomb).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
_FIXED_TIME = datetime(2000, 1, 1)
_COLUMN_WIDTHS = (10, 30, 36, 60, 12, 8)


def read_table(data: bytes) -> list[tuple[Any, ...]]:
    """The first sheet's rows as tuples of cell values (formulas as their last value)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise FaqFileError("Excel 文件过大")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FaqFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign file
        raise FaqFileError("不是有效的 Excel (.xlsx) 文件") from error
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def write_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "常见问题"
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, values in enumerate(rows, start=2):
        sheet.append(list(values))
        for cell in sheet[number]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    for index, width in enumerate(_COLUMN_WIDTHS):
        sheet.column_dimensions["ABCDEF"[index]].width = width
    sheet.freeze_panes = "A2"
    book.properties.created = _FIXED_TIME
    out = io.BytesIO()
    book.save(out)
    return _without_save_time(out.getvalue())


def _without_save_time(data: bytes) -> bytes:
    """The same workbook as the same bytes: openpyxl stamps the time of saving into the zip
    entries and docProps/core.xml, so an unchanged FAQ would otherwise export differently."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", body)
            stable = zipfile.ZipInfo(info.filename, _FIXED_TIME.timetuple()[:6])
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, body)
    return out.getvalue()

"""FAQ import and export for the admin console, in JSON, CSV and Excel (faq/files.py).

An import is read whole, every row checked with the editor's own rules (commands/catalog.py)
and matched to the shop's entries: by the file's id (the entry's number, or its key), else by
the same standard question; anything else is new. Entries the file does not mention are left
as they are. The preview says what would be added, changed and left unchanged, with an error
per bad row; applying writes everything through the catalog in one transaction, or, with any
bad row, nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.catalog import Catalog, require_editor
from chatserver.actions.politeness import lint
from chatserver.commands.base import parse
from chatserver.commands.catalog import FaqCreate
from chatserver.db.engine import Database
from chatserver.db.models import FaqEntry
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from faq.entries import FaqFileError
from faq.files import FaqRecord, FaqSheet, read_faq, write_faq

MAX_IMPORT_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_COMPARED = ("question", "similar", "answer", "category", "enabled")


def _row_error(row: int, field: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _checked(record: FaqRecord) -> FaqCreate:
    """The row as the editor would save it, or its AppError."""
    return parse(
        FaqCreate,
        {
            "question": record.question,
            "answer": record.answer,
            "similar": list(record.similar),
            "category": record.category,
            "enabled": record.enabled,
        },
    )


class _Entries:
    """The shop's entries by number, key and standard question: what a row may refer to."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        self.by_ref: dict[str, FaqEntry] = {e.key: e for e in entries if e.key}
        self.by_ref.update({str(e.id): e for e in entries})
        self.by_question = {e.question: e for e in entries}

    def target(self, record: FaqRecord) -> FaqEntry | None:
        found = self.by_ref.get(record.id) if record.id is not None else None
        return found or self.by_question.get(record.question)


def _changes(entry: FaqEntry, values: FaqCreate) -> list[str]:
    now = {
        **values.model_dump(),
        "similar": values.similar or [],
        "category": values.category or "",
    }
    before = {name: getattr(entry, name) for name in _COMPARED}
    before["similar"] = list(before["similar"] or [])
    return [name for name in _COMPARED if now[name] != before[name]]


class FaqFiles:
    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog

    async def export(self, actor: AuthenticatedAgent, fmt: str) -> bytes:
        require_editor(actor)
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(FaqEntry).where(FaqEntry.shop_id == actor.shop.id).order_by(FaqEntry.id)
            )
            records = [
                FaqRecord(
                    e.question, e.answer, tuple(e.similar or ()), e.category, e.enabled, str(e.id)
                )
                for e in rows
            ]
        return await asyncio.to_thread(write_faq, records, fmt)

    async def do_import(
        self, actor: AuthenticatedAgent, data: bytes, fmt: str, *, apply: bool
    ) -> dict[str, Any]:
        """The preview (`apply` false), or the import done; row errors refuse it whole. The
        preview only reads; applying plans again inside the transaction that writes."""
        require_editor(actor)
        try:
            sheet = await asyncio.to_thread(read_faq, data, fmt)
        except FaqFileError as error:
            raise AppError("invalid_payload", str(error), field="file") from None
        if not apply:
            async with self.db.sessions() as session:
                plan = _Plan(sheet, await _shop_entries(session, actor), fmt)
            return plan.result(actor, applied=False)
        async with self.db.transaction() as tx:
            plan = _Plan(sheet, await _shop_entries(tx.session, actor), fmt)
            if plan.errors:
                bad_rows = len({e["row"] for e in plan.errors})
                raise AppError(
                    "invalid_payload",
                    f"文件中有 {bad_rows} {plan.unit}有误，未导入任何内容",
                    details={"rows": plan.errors},
                )
            if plan.creates or plan.updates:
                await self.catalog.save_batch_in(tx, actor, plan.creates, plan.updates)
        return plan.result(actor, applied=True)


async def _shop_entries(session: AsyncSession, actor: AuthenticatedAgent) -> _Entries:
    return _Entries(
        list(await session.scalars(select(FaqEntry).where(FaqEntry.shop_id == actor.shop.id)))
    )


class _Plan:
    """What a file does to the shop's FAQ: each row checked, matched and compared."""

    def __init__(self, sheet: FaqSheet, entries: _Entries, fmt: str) -> None:
        self.fmt = fmt
        self.unit = "条" if fmt == "json" else "行"
        self.total = len(sheet.records) + len({e.row for e in sheet.errors})
        self.errors = [_row_error(e.row, e.field, e.text()) for e in sheet.errors]
        self.rows: list[dict[str, Any]] = []
        self.creates: list[FaqCreate] = []
        self.updates: list[tuple[FaqEntry, FaqCreate]] = []
        claimed: dict[int | str, int] = {}
        for record in sheet.records:
            try:
                values = _checked(record)
            except AppError as error:
                self._fail(record.row, error.field, error.message)
                continue
            entry = entries.target(record)
            key: int | str = entry.id if entry is not None else f"new:{values.question}"
            if key in claimed:
                self._fail(record.row, "question", f"与第 {claimed[key]} {self.unit}是同一条问答")
                continue
            claimed[key] = record.row
            changes = _changes(entry, values) if entry is not None else []
            action = "added" if entry is None else ("changed" if changes else "unchanged")
            self.rows.append(
                {
                    "row": record.row,
                    "action": action,
                    "id": entry.id if entry is not None else None,
                    "question": values.question,
                    "changes": changes,
                    "answer": values.answer,
                }
            )
            if entry is None:
                self.creates.append(values)
            elif changes:
                self.updates.append((entry, values))
        self.errors.sort(key=lambda e: e["row"])

    def _fail(self, row: int, field: str | None, message: str) -> None:
        self.errors.append(_row_error(row, field, f"第 {row} {self.unit}：{message}"))

    def result(self, actor: AuthenticatedAgent, *, applied: bool) -> dict[str, Any]:
        """The contract's answer, with the politeness check on the answers that change."""
        rows = [{k: v for k, v in row.items() if k != "answer"} for row in self.rows]
        warnings = [
            {"row": row["row"], **w}
            for row in self.rows
            if row["action"] != "unchanged"
            for w in lint(actor.shop, "answer", row["answer"])
        ]
        return {
            "format": self.fmt,
            "total": self.total,
            "added": len(self.creates),
            "changed": len(self.updates),
            "unchanged": sum(1 for row in rows if row["action"] == "unchanged"),
            "rows": rows,
            "errors": self.errors,
            "warnings": warnings,
            "applied": applied,
        }

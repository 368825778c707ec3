"""The one-trip aiosqlite adapter (db/sqlite_driver.py) gives SQLAlchemy what the stock one
does (rows, rowcount, lastrowid, the driver's errors) in one trip per statement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from chatserver.db.engine import Database


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'one-trip.db'}")
    async with db.transaction() as tx:
        await tx.session.execute(
            text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE NOT NULL)")
        )
    yield db
    await db.engine.dispose()


async def test_inserts_updates_and_reads_come_back_as_from_sqlite(database: Database) -> None:
    async with database.transaction() as tx:
        first = await tx.session.execute(text("INSERT INTO notes (body) VALUES ('在吗')"))
        second = await tx.session.execute(text("INSERT INTO notes (body) VALUES ('发货了吗')"))
        assert (first.lastrowid, second.lastrowid) == (1, 2)
        await tx.session.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), [{"body": "a"}, {"body": "b"}]
        )
        updated = await tx.session.execute(text("UPDATE notes SET body = body || '?' WHERE id > 2"))
        assert updated.rowcount == 2
    async with database.sessions() as session:
        rows = (await session.execute(text("SELECT id, body FROM notes ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "在吗"), (2, "发货了吗"), (3, "a?"), (4, "b?")]
        assert list((await session.execute(text("SELECT id AS note FROM notes"))).keys()) == [
            "note"
        ]


async def test_a_broken_constraint_is_sqlalchemys_integrity_error(database: Database) -> None:
    async with database.transaction() as tx:
        await tx.session.execute(text("INSERT INTO notes (body) VALUES ('twice')"))
    with pytest.raises(IntegrityError):
        async with database.transaction() as tx:
            await tx.session.execute(text("INSERT INTO notes (body) VALUES ('twice')"))
    async with database.sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM notes")) == 1


async def test_a_statement_is_one_trip_to_the_database_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[str] = []
    run_on_thread = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await run_on_thread(self, fn, *args, **kwargs)

    async with database.transaction() as tx:
        await tx.session.execute(text("SELECT 1"))  # the connection is checked out and begun
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        await tx.session.execute(text("SELECT body FROM notes"))
        await tx.session.execute(text("INSERT INTO notes (body) VALUES ('x')"))
        assert trips == ["_run_statement", "_run_statement"]

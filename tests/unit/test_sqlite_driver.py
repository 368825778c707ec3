"""The SQLite adapter with one thread trip per statement (chatserver/db/sqlite_driver.py) behaves
as SQLAlchemy's own: rows, row counts, generated keys, errors and rollbacks; and it makes one
trip per statement (a transaction's BEGIN with its first one) and none for the pool's rollback
of a connection with nothing open."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver.db.engine import make_engine
from chatserver.db.sqlite_driver import OneTripConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.execute(
            text("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)")
        )
    yield engine
    await engine.dispose()


class Trips:
    """Counts the calls queued to aiosqlite's thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = aiosqlite.core.Connection._execute

        async def counted(connection: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await real(connection, fn, *args, **kwargs)

        monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)


async def test_the_engine_uses_the_one_trip_adapter(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, OneTripConnection)


async def test_rows_counts_and_keys_come_back_as_sqlalchemy_gives_them(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(
            text("INSERT INTO items (name, n) VALUES (:name, :n)"), {"name": "茶", "n": 1}
        )
        assert inserted.lastrowid == 1 and inserted.rowcount == 1
        many = await conn.execute(
            text("INSERT INTO items (name, n) VALUES (:name, :n)"),
            [{"name": f"item-{i}", "n": i} for i in range(2, 6)],
        )
        assert many.rowcount == 4
        updated = await conn.execute(text("UPDATE items SET n = n * 10 WHERE n >= 3"))
        assert updated.rowcount == 3
        returned = await conn.execute(
            text("UPDATE items SET n = n + 1 WHERE name = '茶' RETURNING id, n")
        )
        assert returned.all() == [(1, 2)]
        rows = await conn.execute(text("SELECT name, n FROM items ORDER BY id"))
        assert list(rows.keys()) == ["name", "n"]
        assert rows.all() == [
            ("茶", 2),
            ("item-2", 2),
            ("item-3", 30),
            ("item-4", 40),
            ("item-5", 50),
        ]
        assert (await conn.execute(text("SELECT n FROM items WHERE id = 99"))).first() is None


async def test_an_error_rolls_the_whole_transaction_back(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('a', 1)"))
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('a', 2)"))
    with pytest.raises(OperationalError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('b', 1)"))
            await conn.execute(text("SELECT no_such_column FROM items"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM items"))).scalar_one() == 0
    # The one pooled connection is usable again.
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO items (name, n) VALUES ('c', 3)"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT name FROM items"))).scalars().all() == ["c"]


async def test_a_rolled_back_transaction_leaves_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(text("INSERT INTO items (name, n) VALUES ('gone', 1)"))
        await transaction.rollback()
        assert (await conn.execute(text("SELECT count(*) FROM items"))).scalar_one() == 0


async def test_one_trip_per_statement_and_none_for_a_rollback_of_nothing(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = Trips(monkeypatch)
    async with engine.begin() as conn:  # BEGIN IMMEDIATE (db/engine.py): with the INSERT
        await conn.execute(text("INSERT INTO items (name, n) VALUES ('x', 1)"))
        await conn.execute(text("SELECT * FROM items"))
    # BEGIN and the INSERT, the SELECT, COMMIT; the pool's rollback finds nothing open.
    assert trips.count == 3

    trips.count = 0
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('x', 2)"))
    # BEGIN and the failed INSERT, and a real ROLLBACK: a transaction was open.
    assert trips.count == 2
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT n FROM items"))).scalars().all() == [1]

    trips.count = 0
    async with engine.begin():
        pass
    assert trips.count == 0  # a transaction that ran nothing began nothing


async def test_the_first_statement_takes_the_write_lock_for_the_whole_transaction(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """BEGIN IMMEDIATE travels with the first statement, a read included: from then on no
    other connection (another process) can write until this transaction ends."""
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SELECT count(*) FROM items"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('mine', 1)"))
        other.execute("BEGIN IMMEDIATE")  # free again once this one committed
        other.execute("INSERT INTO items (name, n) VALUES ('theirs', 2)")
        other.execute("COMMIT")
    finally:
        other.close()
    async with engine.connect() as conn:
        names = await conn.execute(text("SELECT name FROM items ORDER BY id"))
        assert names.scalars().all() == ["mine", "theirs"]


async def test_text_rollbacks_savepoints_and_streamed_results_keep_sqlite_in_step(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        # A nested transaction (SAVEPOINT) rolled back keeps the outer one's rows.
        async with conn.begin():
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('outer', 1)"))
            nested = await conn.begin_nested()
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('inner', 2)"))
            await nested.rollback()
        names = await conn.execute(text("SELECT name FROM items"))
        assert names.scalars().all() == ["outer"]
        await conn.rollback()

    # Streamed results go through the stock server-side cursor: a failure after them must
    # still be rolled back, or the next transaction would find one open.
    with pytest.raises(IntegrityError):
        async with engine.connect() as conn:
            streaming = await conn.execution_options(stream_results=True)
            async with streaming.begin():
                rows = await streaming.stream(text("SELECT name FROM items"))
                assert [row.name async for row in rows] == ["outer"]
                await streaming.stream(text("INSERT INTO items (name, n) VALUES ('s', 1)"))
                await streaming.stream(text("INSERT INTO items (name, n) VALUES ('s', 1)"))
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO items (name, n) VALUES ('after', 3)"))
    async with engine.connect() as conn:
        names = await conn.execute(text("SELECT name FROM items ORDER BY id"))
        assert names.scalars().all() == ["outer", "after"]


async def test_a_begin_that_found_the_database_locked_is_tried_again_not_skipped(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Code that goes on after "database is locked" never writes outside a transaction: the
    BEGIN that failed comes again with the next statement, and a rollback undoes it."""
    async with engine.begin() as conn:
        await conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # fail at once, not in 10 s
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:
        async with engine.connect() as conn:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(OperationalError, match="locked"):
                await conn.execute(text("INSERT INTO items (name, n) VALUES ('early', 1)"))
            other.execute("COMMIT")
            await conn.execute(text("INSERT INTO items (name, n) VALUES ('later', 2)"))
            await conn.rollback()
    finally:
        other.close()
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM items"))).scalar_one() == 0

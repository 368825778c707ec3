"""SQLAlchemy's aiosqlite adapter with one trip to the database thread per statement.

aiosqlite runs SQLite in a thread of its own and the stock adapter goes there four times for a
statement (open a cursor, execute, fetch, close): each trip is a future, a queue hand-off and a
wake-up of the event loop. Measured on the relay benchmark (docs/benchmarks.md, session 6) that
was about a third of the database's share of a message's CPU. Here the cursor is opened,
executed, read and closed in one call on the database thread; what SQLAlchemy reads afterwards
(description, rowcount, lastrowid, the rows) is kept on the adapter's cursor.

It leans on two private names: aiosqlite's `Connection._execute` (run a function on the
connection's thread) and `_conn` (the sqlite3 connection there), both unchanged since
aiosqlite 0.17; `tests/unit/test_sqlite_driver.py` fails loudly if either goes.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# What a statement leaves behind: description, rows, rowcount, lastrowid.
_Outcome = tuple[Any, Sequence[Any], int, int | None]


def _run_statement(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """On the database thread: the whole life of one cursor."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Any) -> int:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement runs in one call on the database thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # No sqlite3 cursor is opened here: _execute_async opens and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid if self._lastrowid is not None else 0

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None  # the sqlite3 cursor is already closed, its rows are here

    def close(self) -> None:
        self._rows.clear()

    def _database_thread(self) -> aiosqlite.Connection:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        return connection

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection = self._database_thread()
        async with self._adapt_connection._execute_mutex:
            outcome: _Outcome = await connection._execute(  # type: ignore[no-untyped-call]
                _run_statement, connection._conn, operation, parameters
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection = self._database_thread()
        async with self._adapt_connection._execute_mutex:
            self._rowcount = await connection._execute(  # type: ignore[no-untyped-call]
                _run_many, connection._conn, operation, seq_of_parameters
            )
        self._description, self._lastrowid = None, None
        return None


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # As the stock adapter does: the database thread must not keep the process alive.
        if isinstance(connection, Thread):
            connection.daemon = True
        else:
            connection._thread.daemon = True
        return OneTripConnection(self, await_(connection))


def one_trip_dbapi() -> OneTripDbapi:
    """The DBAPI module to pass as `create_async_engine(..., module=...)` for sqlite+aiosqlite."""
    return OneTripDbapi(aiosqlite, sqlite3)

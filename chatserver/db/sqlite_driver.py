"""SQLite through aiosqlite with one trip to its thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's thread for every statement
(create the cursor, execute, fetch, close), and one more for the rollback the pool does on
every connection it takes back, a no-op after a commit. Each trip waits for the event loop to
come round again, and with one connection (db/engine.py) the next transaction waits for all of
them: on a loaded server a shopper's message took 32 trips. Here a statement is one call that
executes, fetches and closes in the thread, and a rollback with no transaction open is skipped
(SQLite itself says whether one is: the last trip reports it). A transaction's
`BEGIN IMMEDIATE` (db/engine.py) travels with its first statement instead of taking a trip
and a statement execution of its own, and a transaction that ran nothing begins nothing.
Same SQLAlchemy dialect, same aiosqlite thread and connection; only the adapter's cursor and
connection differ.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# (description, rows, rowcount, lastrowid, in_transaction afterwards)
_Outcome = tuple[Any, list[Any], int, Any, bool]


BEGIN_IMMEDIATE = "BEGIN IMMEDIATE"


def _begin(connection: sqlite3.Connection) -> None:
    connection.execute(BEGIN_IMMEDIATE).close()


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool, begin: bool
) -> _Outcome:
    """In aiosqlite's thread: the transaction's BEGIN if it is still to come, then the whole
    statement, cursor to close."""
    if begin:
        _begin(connection)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid, connection.in_transaction
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """Holds a finished statement's results; nothing is left open in the thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = cast(Any, None)  # no driver cursor lives between calls
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: Any = None  # as sqlite3's: None until an INSERT
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return cast(int, self._lastrowid)

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            return await_(self._run(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            return await_(self._run(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        adapt = self._adapt_connection
        assert isinstance(adapt, OneTripConnection)
        driver = cast(aiosqlite.Connection, self._connection)
        async with adapt._execute_mutex:
            # Unknown until the trip reports back (an error may leave a transaction open).
            adapt.in_transaction = True
            begin, adapt.begin_pending = adapt.begin_pending, False
            try:
                # aiosqlite's own queue to its thread, as SQLAlchemy's adapter uses it too.
                outcome: _Outcome = await driver._execute(  # type: ignore[no-untyped-call]
                    _run, driver._conn, operation, parameters, many, begin
                )
            except BaseException:
                # The BEGIN itself failed (locked): still to come, so that a caller going on
                # after the error never writes outside a transaction. The thread is idle now.
                if begin and not driver._conn.in_transaction:
                    adapt.begin_pending = True
                raise
        self._description, rows, self._rowcount, self._lastrowid, adapt.in_transaction = outcome
        self._rows = collections.deque(rows)


class StreamingCursor(AsyncAdapt_aiosqlite_ss_cursor):
    """The stock server-side cursor (`stream_results`), which cannot report whether a
    transaction is open afterwards: assume one is, so the next rollback is not skipped."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        cast(OneTripConnection, self._adapt_connection).begin_now()
        return super().execute(operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        cast(OneTripConnection, self._adapt_connection).begin_now()
        return super().executemany(operation, seq_of_parameters)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("begin_pending", "in_transaction")

    _cursor_cls = OneTripCursor
    _ss_cursor_cls = StreamingCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # Conservative until a statement says otherwise: the first rollback is not skipped.
        self.in_transaction = True
        self.begin_pending = False

    def begin_immediate(self) -> None:
        """Start a write transaction: `BEGIN IMMEDIATE` runs in the thread right before the
        next statement, in the same trip."""
        self.begin_pending = True

    def begin_now(self) -> None:
        """The pending BEGIN in a trip of its own (before a statement that is not ours)."""
        self.in_transaction = True
        if self.begin_pending:
            self.begin_pending = False
            await_(self._execute_begin())

    async def _execute_begin(self) -> None:
        driver = cast(aiosqlite.Connection, self._connection)
        async with self._execute_mutex:
            await driver._execute(_begin, driver._conn)  # type: ignore[no-untyped-call]

    def rollback(self) -> None:
        self.begin_pending = False
        if not self.in_transaction:
            return  # nothing to undo: no trip (the pool rolls back every connection it takes)
        super().rollback()
        self.in_transaction = False

    def commit(self) -> None:
        if self.begin_pending:
            self.begin_pending = False  # nothing ran: nothing began, nothing to commit
            return
        super().commit()
        self.in_transaction = False


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDbapi:
    """Pass as `module=` to create_async_engine for a `sqlite+aiosqlite` URL."""
    return OneTripDbapi(aiosqlite, sqlite3)

"""The engine, the session factory and `Database.transaction()`, which publishes on commit.

Actions record domain events with `tx.record(...)`; the dispatcher hands them to listeners only
after the transaction committed, so nobody ever hears of a change that was rolled back
(persist, then tell), and the caller's acknowledgement never waits for the listeners.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from chatserver.db.sqlite_driver import BEGIN_IMMEDIATE, OneTripConnection, one_trip_dbapi
from chatserver.domain.events import Event
from chatserver.errors import AppError

log = logging.getLogger(__name__)


# Runs inside the transaction, just before commit, with the events it recorded, and returns
# the events it adds: the webhook outbox (db/webhook_outbox.py) is written in the same commit
# as the facts, and says so with an event of its own.
BeforeCommit = Callable[["Transaction", Sequence[Event]], Awaitable[Sequence[Event]]]


class EventSink(Protocol):
    """Where committed events go (chatserver/dispatch.py's Dispatcher)."""

    def reserve(self, lane: Hashable) -> Any: ...
    def settle(self, lane: Hashable, slot: Any, events: list[Event] | None) -> None: ...


def make_engine(database_url: str) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        # One connection: SQLite has one writer anyway, and a single pooled connection
        # queues transactions fairly in-process instead of spinning on "database is locked".
        # aiosqlite (the only asyncio SQLite driver) with one thread trip per statement.
        engine = create_async_engine(
            database_url,
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            **({"module": one_trip_dbapi()} if _driver(database_url) == "aiosqlite" else {}),
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Take over transaction control so BEGIN IMMEDIATE serialises writers across
            # processes too (a deferred BEGIN can fail mid-transaction under WAL).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            adapted = connection.connection.dbapi_connection
            if isinstance(adapted, OneTripConnection):
                adapted.begin_immediate()  # sent with the first statement: one trip fewer
            else:
                connection.exec_driver_sql(BEGIN_IMMEDIATE)

        return engine
    return create_async_engine(database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _driver(database_url: str) -> str:
    return make_url(database_url).get_driver_name()


@dataclass
class Transaction:
    session: AsyncSession
    sink: EventSink | None = None
    # What this transaction's own reads already told, for `before_commit` to use instead of
    # reading it again (e.g. a shop with no webhook endpoint: db/webhook_outbox.py).
    known: dict[Hashable, Any] = field(default_factory=dict)
    # Per lane: the place reserved in the dispatcher and the events recorded for it.
    _recorded: dict[Hashable, tuple[Any, list[Event]]] = field(default_factory=dict)

    def record(self, *events: Event) -> None:
        """Publish these events once (and only if) this transaction commits.

        Call it while holding the row lock of the event's conversation: the place in its lane
        is taken now, so listeners see the events of one conversation in commit order."""
        if self.sink is None:
            return
        for fact in events:
            lane = fact.lane
            entry = self._recorded.get(lane)
            if entry is None:
                entry = self._recorded[lane] = (self.sink.reserve(lane), [])
            entry[1].append(fact)

    def recorded(self) -> list[Event]:
        return [fact for _slot, events in self._recorded.values() for fact in events]

    def _finish(self, committed: bool) -> None:
        if self.sink is None:
            return
        # Every reserved place must be settled, or its lane would wait for ever.
        for lane, (slot, events) in self._recorded.items():
            try:
                self.sink.settle(lane, slot, events if committed else None)
            except Exception:
                log.exception("publishing the events of %s failed", lane)
        self._recorded.clear()


def is_unreachable(error: BaseException) -> bool:
    """The database was out of reach (restarting, a dropped connection), not a bug or bad
    data: trying the same work again later may well succeed."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, AppError) and seen.code == "unavailable":
            return True
        if isinstance(seen, OperationalError | InterfaceError | OSError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__
    return False


class Database:
    def __init__(
        self,
        database_url: str,
        sink: EventSink | None = None,
        before_commit: BeforeCommit | None = None,
    ) -> None:
        self.url = database_url
        self.sink = sink
        self.before_commit = before_commit
        self.engine = make_engine(database_url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One unit of work: commit on success, roll back on any error, then publish."""
        tx: Transaction | None = None
        committed = False
        try:
            async with self.sessions() as session:
                async with session.begin():
                    tx = Transaction(session, self.sink)
                    yield tx
                    if self.before_commit is not None and tx._recorded:
                        tx.record(*await self.before_commit(tx, tx.recorded()))
                # Committed: whatever closing the session does, the facts are stored.
                committed = True
        except IntegrityError:
            raise
        except DataError as exc:
            # A value the database cannot store (validation should have caught it): the
            # client's fault, and retrying the same payload would fail forever.
            raise AppError("invalid_payload", "提交的内容包含无法保存的数据") from exc
        except (OperationalError, InterfaceError, OSError) as exc:
            log.warning("database error: %s", exc.__class__.__name__)
            raise AppError("unavailable", "数据库暂时不可用，请稍后重试") from exc
        finally:
            if tx is not None:
                tx._finish(committed)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()

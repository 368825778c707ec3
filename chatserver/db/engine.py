"""The engine, the session factory and `Database.transaction()`, which runs callbacks on commit.

Callbacks registered with `tx.on_commit(...)` run only after the transaction committed, so no
client ever hears of a change that was rolled back (persist, then tell).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from chatserver.errors import AppError

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[Any]]


def make_engine(database_url: str) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        # One connection: SQLite has one writer anyway, and a single pooled connection
        # queues transactions fairly in-process instead of spinning on "database is locked".
        engine = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=60)

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
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)


@dataclass
class Transaction:
    session: AsyncSession
    _after_commit: list[AfterCommit] = field(default_factory=list)

    def on_commit(self, callback: AfterCommit) -> None:
        self._after_commit.append(callback)


class Database:
    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.engine = make_engine(database_url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One unit of work: commit on success, roll back on any error, then notify."""
        tx: Transaction
        try:
            async with self.sessions() as session, session.begin():
                tx = Transaction(session)
                yield tx
        except IntegrityError:
            raise
        except DataError as exc:
            # A value the database cannot store (validation should have caught it): the
            # client's fault, and retrying the same payload would fail forever.
            raise AppError("invalid_payload", "提交的内容包含无法保存的数据") from exc
        except (OperationalError, InterfaceError, OSError) as exc:
            log.warning("database error: %s", exc.__class__.__name__)
            raise AppError("unavailable", "数据库暂时不可用，请稍后重试") from exc
        for callback in tx._after_commit:
            try:
                await callback()
            except Exception:
                log.exception("after-commit notification failed")

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()

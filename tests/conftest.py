"""Shared fixtures: real databases (SQLite and PostgreSQL), real Redis, a real server on a port.

PostgreSQL and Redis are the machine's own (127.0.0.1). Under CI (`CI=true`) a missing service
fails the run; elsewhere those tests skip with one line saying how to enable them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from aiohttp import web, web_app
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.app import build_app
from chatserver.config import Settings, load_settings
from chatserver.db.engine import Database
from chatserver.db.migrate import upgrade
from chatserver.seed import seed_demo
from chatserver.services.auth import create_agent
from chatserver.wiring import Components

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def service_missing(what: str, how: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is not reachable under CI: {how}")
    pytest.skip(f"{what} not reachable; {how} to run these tests")


# ---- databases ---------------------------------------------------------------------------


async def _pg_admin() -> Any:
    import asyncpg

    try:
        return await asyncpg.connect(PG_ADMIN_URL, timeout=3)
    except (OSError, asyncpg.PostgresError):
        service_missing("PostgreSQL", f"start PostgreSQL at {PG_ADMIN_URL} (TEST_POSTGRES_URL)")


def _pg_url(database: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


async def create_pg_database(template: str | None = None) -> str:
    admin = await _pg_admin()
    name = f"cs_test_{uuid.uuid4().hex[:12]}"
    try:
        suffix = f" TEMPLATE {template}" if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    finally:
        await admin.close()
    return name


async def drop_pg_database(name: str) -> None:
    admin = await _pg_admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A brand-new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'chatserver.db'}"
        return
    name = await create_pg_database()
    try:
        yield _pg_url(name)
    finally:
        await drop_pg_database(name)


_templates: dict[str, str] = {}


async def _migrated_template(kind: str, tmp_root: Path) -> str:
    """Migrate once per test session, then copy: each test still gets its own database."""
    if kind in _templates:
        return _templates[kind]
    if kind == "sqlite":
        path = tmp_root / "template.db"
        await upgrade(f"sqlite+aiosqlite:///{path}")
        _templates[kind] = str(path)
    else:
        name = await create_pg_database()
        await upgrade(_pg_url(name))
        _templates[kind] = name
    return _templates[kind]


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("templates")
    yield root
    name = _templates.pop("postgresql", None)
    if name is not None:
        asyncio.run(drop_pg_database(name))


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, template_root: Path
) -> AsyncIterator[str]:
    """A migrated database of each kind, private to the test."""
    template = await _migrated_template(request.param, template_root)
    if request.param == "sqlite":
        path = tmp_path / "chatserver.db"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = await create_pg_database(template=template)
    try:
        yield _pg_url(name)
    finally:
        await drop_pg_database(name)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, aioredis.RedisError):
        service_missing("Redis", f"start Redis at {REDIS_URL} (TEST_REDIS_URL)")
    finally:
        await client.aclose()
    yield REDIS_URL


# ---- clients -----------------------------------------------------------------------------


def _pending_work() -> str:
    """Where every other task of the loop stands: a missing event then names what it waits on."""
    current = asyncio.current_task()
    lines = []
    for task in asyncio.all_tasks():
        if task is current:
            continue
        chain: list[str] = []
        awaited: Any = task.get_coro()
        while awaited is not None and len(chain) < 8:
            frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
            if frame is not None:
                module = Path(frame.f_code.co_filename).stem
                chain.append(f"{module}.{frame.f_code.co_name}:{frame.f_lineno}")
            awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
        lines.append("  " + " -> ".join(chain))
    # Threads too: a thread holding the GIL (an index build, a password hash) stalls the loop.
    for thread_id, frame in sys._current_frames().items():
        if thread_id != threading.get_ident():
            lines.append(f"  thread {thread_id}: {frame.f_code.co_filename}:{frame.f_lineno}")
    return "tasks and threads still running:\n" + "\n".join(sorted(lines)[:60])


@dataclass
class EventClient:
    """A real Socket.IO client that records every event it receives, in order."""

    namespace: str
    sio: socketio.AsyncClient = field(default_factory=lambda: socketio.AsyncClient())
    events: list[tuple[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        @self.sio.on("*", namespace=self.namespace)
        async def record(event: str, data: Any = None) -> None:
            self.events.append((event, data))
            self._arrived.set()

    async def connect(self, url: str, auth: dict[str, Any] | None) -> None:
        await self.sio.connect(
            url, namespaces=[self.namespace], auth=auth, transports=["websocket"], wait_timeout=5
        )

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> Any:
        if data is None:
            return await self.sio.call(event, namespace=self.namespace, timeout=timeout)
        return await self.sio.call(event, data, namespace=self.namespace, timeout=timeout)

    async def wait_for(
        self,
        event: str,
        predicate: Callable[[Any], bool] = lambda _data: True,
        timeout: float = 5,
    ) -> Any:
        """The first recorded `event` matching `predicate`, waiting for it if need be."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = 0
        while True:
            for name, data in self.events[seen:]:
                if name == event and predicate(data):
                    return data
            seen = len(self.events)
            remaining = deadline - loop.time()
            if remaining <= 0:
                names = [name for name, _ in self.events]
                raise AssertionError(
                    f"no {event!r} event within {timeout}s; got {names}\n{_pending_work()}"
                )
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass

    def received(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    async def disconnect(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


@dataclass
class Visitor(EventClient):
    namespace: str = "/visitor"
    session: dict[str, Any] = field(default_factory=dict)

    async def send(self, text: str, client_id: str | None = None, **extra: Any) -> Any:
        payload = {"client_id": client_id or uuid.uuid4().hex, "text": text, **extra}
        return await self.call("message", payload)

    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.received("message") if m["sender"] == "bot"]


@dataclass
class AgentClient(EventClient):
    namespace: str = "/agent"
    token: str = ""
    agent: dict[str, Any] = field(default_factory=dict)

    async def send(self, conversation_id: int, text: str, client_id: str | None = None) -> Any:
        return await self.call(
            "message",
            {
                "conversation_id": conversation_id,
                "client_id": client_id or uuid.uuid4().hex,
                "text": text,
            },
        )


# ---- the server ----------------------------------------------------------------------------


@dataclass
class ServedApp(ABC):
    """A running app as a test reaches it: its parts and database directly, its REST API over
    HTTP through `call`. LiveServer serves it on a real port; InProcessApp through aiohttp's
    TestClient, for tests that only speak REST."""

    parts: Components
    settings: Settings

    @property
    def db(self) -> Database:
        return self.parts.db

    @abstractmethod
    def request(
        self, method: str, path: str, **kwargs: Any
    ) -> AbstractAsyncContextManager[aiohttp.ClientResponse]:
        """`async with app.request(...) as response`: any HTTP request, path from the root."""

    async def call(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        """(status, JSON body), or the text of a text/plain answer."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.request(method, path, headers=headers, json=body) as response:
            if response.content_type == "text/plain":
                return response.status, await response.text()
            return response.status, await response.json(content_type=None)

    async def add_agent(
        self,
        username: str,
        name: str,
        *,
        password: str = "secret123",
        shop: str = "demo",
        role: str = "agent",
        max_chats: int = 5,
    ) -> None:
        from sqlalchemy import select

        from chatserver.db.models import Shop
        from chatserver.seed import ensure_shop

        async with self.db.transaction() as tx:
            shop_row = await tx.session.scalar(select(Shop).where(Shop.slug == shop))
            if shop_row is None:
                shop_row, _created = await ensure_shop(tx.session, shop, shop)
            await create_agent(
                tx.session,
                shop=shop_row,
                username=username,
                password=password,
                name=name,
                role=role,
                max_chats=max_chats,
            )

    async def login(self, username: str, password: str = "secret123") -> dict[str, Any]:
        credentials = {"username": username, "password": password}
        status, body = await self.call("POST", "/api/auth/login", body=credentials)
        assert status == 200, body
        return dict(body)

    async def settle(self) -> None:
        """Wait until every listener (bot replies, fan-out, routing) has finished."""
        await self.parts.dispatcher.drain()


@dataclass
class LiveServer(ServedApp):
    """On a real port: Socket.IO clients, browsers and other processes reach it there."""

    url: str
    clients: list[EventClient] = field(default_factory=list)

    @asynccontextmanager
    async def request(
        self, method: str, path: str, **kwargs: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        # A session per call, as a shop's system or a console page opens one.
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, self.url + path, **kwargs) as response,
        ):
            yield response

    async def visitor(
        self,
        token: str | None = None,
        shop: str | None = "demo",
        *,
        identity: dict[str, Any] | None = None,
    ) -> Visitor:
        """A shopper's socket; `identity`: the shop page's customer, sent in the handshake."""
        client = Visitor()
        auth: dict[str, Any] = {}
        if token is not None:
            auth["token"] = token
        if shop is not None:
            auth["shop"] = shop
        if identity is not None:
            auth["identity"] = identity
        await client.connect(self.url, auth)
        client.session = await client.wait_for("session")
        self.clients.append(client)
        return client

    async def agent(
        self,
        username: str = "agent",
        password: str = "agent123",
        *,
        status: str | None = None,
        handshake: dict[str, Any] | None = None,
    ) -> AgentClient:
        """`handshake`: more of the socket's `auth` than the token (the open chat, `focus`)."""
        login = await self.login(username, password)
        client = AgentClient(token=login["token"], agent=login["agent"])
        await client.connect(self.url, {"token": login["token"], **(handshake or {})})
        await client.wait_for("queue")
        if status is not None:
            ack = await client.call("status", {"status": status})
            assert ack["ok"], ack
        self.clients.append(client)
        return client


@dataclass
class InProcessApp(ServedApp):
    """Behind aiohttp's TestServer and TestClient: one client session whose connections are
    kept alive across calls, no cookies kept (every call names its own token)."""

    client: TestClient[web.Request, web.Application]

    def request(
        self, method: str, path: str, **kwargs: Any
    ) -> AbstractAsyncContextManager[aiohttp.ClientResponse]:
        return self.client.request(method, path, **kwargs)


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with running_server(database_url, tmp_path) as live:
        yield live


@pytest.fixture
async def api(database_url: str, tmp_path: Path) -> AsyncIterator[InProcessApp]:
    """The app for a test that only speaks REST (no Socket.IO client, no browser)."""
    app, settings = await _app_for_test(database_url, tmp_path)
    from chatserver.api.common import COMPONENTS

    test_server = TestServer(app)
    client = TestClient(test_server, cookie_jar=aiohttp.DummyCookieJar())
    try:
        await test_server.start_server(access_log=None)  # as running_server: no access log
        await client.start_server()
        yield InProcessApp(parts=app[COMPONENTS], settings=settings, client=client)
    finally:
        await client.close()
        forget_stopped_apps()


# The service clock business hours are read with: a Monday 10:00 in Shanghai, inside the
# default shifts, so a test's outcome never depends on when it runs. Hours tests pass their own.
INSIDE_HOURS = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def forget_stopped_apps() -> None:
    """Let stopped apps go. aiohttp memoises each handler's middleware chain with the apps in
    the key (an LRU of 1,024), which keeps hundreds of finished servers (their FAQ indexes and
    engines) alive across the suite: millions of objects, and collection pauses of seconds that
    made late tests miss their events."""
    web_app._cached_build_middleware.cache_clear()


async def _app_for_test(
    database_url: str,
    tmp_path: Path,
    *,
    clock: Callable[[], datetime] = lambda: INSIDE_HOURS,
    **overrides: str,
) -> tuple[web.Application, Settings]:
    """The demo shop seeded into the database, and the app built as `chatserver run` builds it."""
    environ = {
        "CHATSERVER_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        "CHATSERVER_AGENT_GRACE_SECONDS": "0.3",
        # No SLA ticks on the wall clock: a slow test must not gain an alert row it never
        # asked for. SLA tests drive the watch with their own `now` (tests/realtime/test_sla.py).
        "CHATSERVER_SLA_TICK_SECONDS": "0",
        **overrides,
    }
    settings = load_settings(environ, host="127.0.0.1", port=0)
    seed_db = Database(database_url)
    await seed_demo(seed_db)
    await seed_db.dispose()
    return build_app(settings, clock=clock), settings


@asynccontextmanager
async def running_server(
    database_url: str,
    tmp_path: Path,
    *,
    clock: Callable[[], datetime] = lambda: INSIDE_HOURS,
    **overrides: str,
) -> AsyncIterator[LiveServer]:
    app, settings = await _app_for_test(database_url, tmp_path, clock=clock, **overrides)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    from chatserver.api.common import COMPONENTS

    live = LiveServer(url=f"http://127.0.0.1:{port}", parts=app[COMPONENTS], settings=settings)
    try:
        yield live
    finally:
        for client in live.clients:
            await client.disconnect()
        await runner.cleanup()
        forget_stopped_apps()


async def until_a_query_waits_for_a_lock(
    server: LiveServer, held_by: AsyncConnection, *, queries: int = 1
) -> None:
    """Until `queries` queries of the test database wait for a lock that `held_by`'s
    transaction holds (PostgreSQL only): any other waiter (a listener's) proves nothing about
    the query under test."""
    holder = await held_by.scalar(text("SELECT pg_backend_pid()"))
    async with server.db.engine.connect() as probe:
        for _attempt in range(200):
            # Waiting behind the holder, directly or in line behind another waiter.
            waiting = await probe.scalar(
                text(
                    "WITH RECURSIVE behind(pid) AS ("
                    " SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND CAST(:holder AS integer) = ANY(pg_blocking_pids(pid))"
                    " UNION SELECT a.pid FROM pg_stat_activity a JOIN behind b"
                    " ON b.pid = ANY(pg_blocking_pids(a.pid))"
                    " WHERE a.datname = current_database())"
                    " SELECT count(*) FROM behind"
                ),
                {"holder": holder},
            )
            # PostgreSQL reads pg_stat_activity once per transaction: without ending it, every
            # later poll would see the first one's picture, from before the wait began.
            await probe.commit()
            if waiting >= queries:
                return
            await asyncio.sleep(0.05)
    raise AssertionError("no query ever waited for a lock of that transaction")

"""Chaos: live conversations under traffic while the server is killed (kill -9) and restarted,
and PostgreSQL and Redis are restarted under it. The clients do what the widget and the panel
do: reconnect with their token and resend every unacknowledged message with its client id.
Afterwards every acknowledged message is in the database and in the other side's history
exactly once: nothing acknowledged is lost, nothing is stored twice.

Run with one server process, and with two sharing PostgreSQL and Redis: the shoppers on the
first, the agent on the second, so every message reaches the other side through Redis; each
process is killed in turn.

Private PostgreSQL and Redis processes of the test's own (tests/scale/chaos_services.py); it
skips with one line when their binaries are missing (under CI it fails instead).
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
import socketio

from chatserver.db.engine import Database
from chatserver.db.migrate import upgrade
from chatserver.seed import seed_demo
from tests.scale.chaos_services import (
    PrivatePostgres,
    PrivateRedis,
    ServerProcess,
    require_binaries,
)

SHOPPERS = 4
# Below the shopper's rate limit (2 a second after a burst of 8).
PACE_S = 0.6
CALL_TIMEOUT_S = 3.0


@dataclass
class Services:
    postgres: PrivatePostgres
    redis: PrivateRedis
    servers: list[ServerProcess]


async def seed(database_url: str) -> None:
    await upgrade(database_url)
    database = Database(database_url)
    try:
        await seed_demo(database)
    finally:
        await database.dispose()


@pytest.fixture(params=[1, 2], ids=["one-process", "two-processes"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    """The private PostgreSQL and Redis, and `request.param` server processes sharing them
    (and the secret key, so a shopper's token is good on any of them)."""
    pg_bin, redis_binary = require_binaries()
    postgres, redis = PrivatePostgres(pg_bin), PrivateRedis(redis_binary)
    environ = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "SECRET_KEY": "chaos-test-secret-key-0123456789",
        "CHATSERVER_SLA_TICK_SECONDS": "0",
    }
    servers = [
        ServerProcess(
            {**environ, "CHATSERVER_DATA_DIR": str(tmp_path / f"data-{index}")},
            tmp_path / f"server-{index}.log",
        )
        for index in range(request.param)
    ]
    try:
        postgres.start()
        redis.start()
        asyncio.run(seed(postgres.url))
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_until_listening()
        yield Services(postgres, redis, servers)
    finally:
        for server in servers:
            server.kill()
        redis.stop()
        postgres.stop()


@dataclass
class Party:
    """One widget or panel: its socket, its acknowledged messages and its unsent ones."""

    namespace: str
    auth: dict[str, Any]
    url: str
    sio: socketio.AsyncClient | None = None
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    session: dict[str, Any] = field(default_factory=dict)
    chats: set[int] = field(default_factory=set)
    reconnects: int = 0
    # Ids of the other side's messages that arrived live as `message` events.
    live: Counter[int] = field(default_factory=Counter)

    async def connect(self) -> None:
        """Connect (again) until the server takes it, as the widget retries."""
        sio = await self._attempt()
        while sio is None:
            # The server is down or restarting: the widget's back-off, shortened.
            await asyncio.sleep(0.3)
            sio = await self._attempt()
        self.sio = sio

    async def _attempt(self) -> socketio.AsyncClient | None:
        sio = socketio.AsyncClient(reconnection=False)
        greeted = asyncio.Event()

        @sio.on("*", namespace=self.namespace)
        async def record(event: str, data: Any = None) -> None:
            if event == "session":
                self.session = data
                self.auth["token"] = data["token"]
                greeted.set()
            elif event == "assigned":
                self.chats.add(data["conversation"]["id"])
            elif event == "queue" and self.namespace == "/agent":
                greeted.set()
            elif event == "message" and data["sender"] in ("visitor", "agent"):
                mine = "agent" if self.namespace == "/agent" else "visitor"
                if data["sender"] != mine:
                    self.live[data["id"]] += 1

        try:
            await sio.connect(
                self.url, namespaces=[self.namespace], auth=dict(self.auth),
                transports=["websocket"], wait_timeout=3,
            )  # fmt: skip
            await asyncio.wait_for(greeted.wait(), 5)
        except (socketio.exceptions.ConnectionError, TimeoutError):
            await sio.disconnect()
            return None
        return sio

    async def deliver(self, event: str) -> None:
        """Send the oldest unsent message until it is acknowledged (same client id)."""
        payload = self.outbox[0]
        while True:
            if self.sio is None or not self.sio.connected:
                self.reconnects += 1
                await self.connect()
            assert self.sio is not None
            try:
                ack = await self.sio.call(
                    event, payload, namespace=self.namespace, timeout=CALL_TIMEOUT_S
                )
            except (TimeoutError, socketio.exceptions.SocketIOError):
                await self.sio.disconnect()
                continue
            if ack.get("ok"):
                self.acked[payload["client_id"]] = ack["message"]
                self.outbox.pop(0)
                return
            code = ack["error"]["code"]
            # The contract's retryable answers; anything else is a failure of the test.
            # `forbidden` only for the agent, whose chat may have gone back to the queue.
            retryable = ("unavailable", "rate_limited")
            if self.namespace == "/agent":
                retryable += ("forbidden",)
            assert code in retryable, (payload, ack)
            if code == "forbidden":
                # The chat went back to the queue while the panel was away: take it again.
                await self.sio.call("accept", {"conversation_id": payload["conversation_id"]},
                                    namespace=self.namespace, timeout=CALL_TIMEOUT_S)  # fmt: skip
            await asyncio.sleep(0.3)


async def shopper(party: Party, index: int, stop: asyncio.Event) -> None:
    await party.connect()
    conversation_id = party.session["conversation_id"]
    sent = 0
    party.outbox.append({"client_id": f"v{index}-ask", "text": "转人工"})
    while party.outbox:
        await party.deliver("message")
        if not stop.is_set():
            sent += 1
            party.outbox.append(
                {"client_id": f"v{index}-{sent}", "text": f"顾客{index}的第{sent}条"}
            )
            await asyncio.sleep(PACE_S)
    # Reconnecting never opened another conversation.
    assert party.session["conversation_id"] == conversation_id


async def agent(party: Party, stop: asyncio.Event, chats: int) -> None:
    await party.connect()
    await party.sio.call("status", {"status": "online"}, namespace="/agent")  # type: ignore[union-attr]
    sent = 0
    while not stop.is_set() or party.outbox:
        if party.outbox:
            await party.deliver("message")
        elif len(party.chats) >= chats:
            sent += 1
            chat = sorted(party.chats)[sent % chats]
            party.outbox.append(
                {"conversation_id": chat, "client_id": f"a-{sent}", "text": f"客服回复{sent}"}
            )
        await asyncio.sleep(PACE_S / chats)


async def history(url: str, token: str, conversation_id: int) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.get(f"{url}/api/conversations/{conversation_id}") as response,
    ):
        assert response.status == 200, await response.text()
        return list((await response.json())["messages"])


async def login(url: str, username: str, password: str) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{url}/api/auth/login", json={"username": username, "password": password}
        ) as response,
    ):
        assert response.status == 200, await response.text()
        return str((await response.json())["token"])


async def open_all_day(url: str) -> None:
    """The shop serves around the clock: the run's outcome must not depend on the hour."""
    token = await login(url, "admin", "admin123")
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly = {day: [{"start": "00:00", "end": "24:00"}] for day in days}
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.put(f"{url}/api/business-hours", json={"weekly": weekly}) as response,
    ):
        assert response.status == 200, await response.text()


async def chaos(services: Services) -> None:
    # Shoppers on the first process, the agent on the last (the same one when there is one).
    shops_url, agents_url = services.servers[0].url, services.servers[-1].url
    await open_all_day(shops_url)
    panel = Party("/agent", {"token": await login(agents_url, "agent", "agent123")}, agents_url)
    widgets = [Party("/visitor", {"shop": "demo"}, shops_url) for _ in range(SHOPPERS)]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    traffic = [asyncio.create_task(agent(panel, stop, SHOPPERS))] + [
        asyncio.create_task(shopper(party, index, stop)) for index, party in enumerate(widgets)
    ]

    async def outage(action: Any) -> None:
        await asyncio.sleep(2)
        await loop.run_in_executor(None, action)

    def restart(server: ServerProcess) -> None:
        server.kill()
        server.start()

    for server in services.servers:
        await outage(lambda server=server: restart(server))
    await outage(services.postgres.restart)
    await outage(services.redis.restart)
    await asyncio.sleep(2)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*traffic), 40)

    # Every acknowledged message: stored exactly once, seen once by the other side.
    connection = await asyncpg.connect(services.postgres.url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch("SELECT id, conversation_id, client_id FROM messages")
    finally:
        await connection.close()
    stored = Counter((row["conversation_id"], row["client_id"]) for row in rows)
    for party in [panel, *widgets]:
        for client_id, message in party.acked.items():
            assert stored[(message["conversation_id"], client_id)] == 1, (client_id, message)
    for party in widgets:
        conversation_id = party.session["conversation_id"]
        # The agent's side: the visitor's messages, once each.
        messages = await history(agents_url, panel.auth["token"], conversation_id)
        seen = Counter(m["id"] for m in messages)
        assert all(seen[m["id"]] == 1 for m in party.acked.values()), party.acked
        # The shopper's side: a reload (the token) shows the agent's replies once each.
        await party.sio.disconnect()  # type: ignore[union-attr]
        await party.connect()
        shown = Counter(m["id"] for m in party.session["messages"])
        replies = [m for m in panel.acked.values() if m["conversation_id"] == conversation_id]
        assert replies and all(shown[m["id"]] == 1 for m in replies), (replies, shown)
        await party.sio.disconnect()  # type: ignore[union-attr]
    await panel.sio.disconnect()  # type: ignore[union-attr]
    # The traffic did cross the outages: clients reconnected and resent.
    assert sum(party.reconnects for party in [panel, *widgets]) >= SHOPPERS
    assert sum(len(party.acked) for party in widgets) >= SHOPPERS * 8
    # Live, between the outages (with two processes, through Redis): each side saw the other's
    # messages as they came, never one twice, and only ones that were acknowledged.
    from_shoppers = {m["id"] for party in widgets for m in party.acked.values()}
    assert len(panel.live) >= SHOPPERS and set(panel.live) <= from_shoppers, panel.live
    from_agent = {m["id"] for m in panel.acked.values()}
    for party in [panel, *widgets]:
        assert set(party.live.values()) == {1}, party.live
    for party in widgets:
        assert party.live and set(party.live) <= from_agent, (party.live, from_agent)


def test_acknowledged_messages_survive_kills_and_restarts_exactly_once(
    services: Services,
) -> None:
    asyncio.run(chaos(services))

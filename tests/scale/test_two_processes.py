"""Scale-out: two server instances sharing PostgreSQL and the real Redis behave as one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from chatserver.db.models import Conversation
from chatserver.services.presence_store import RedisPresenceStore
from tests.conftest import AgentClient, LiveServer, running_server


@asynccontextmanager
async def two_processes(
    database_url: str, redis_url: str, tmp_path: Path, **overrides: str
) -> AsyncIterator[tuple[LiveServer, LiveServer]]:
    """Two server instances sharing the database, Redis (own channel) and the secret key."""
    channel = f"chatserver-test-{uuid.uuid4().hex}"
    shared = {
        "REDIS_URL": redis_url,
        "CHATSERVER_REDIS_CHANNEL": channel,
        "SECRET_KEY": f"shared-secret-{channel}",
        **overrides,
    }
    async with (
        running_server(database_url, tmp_path / "a", **shared) as first,
        running_server(database_url, tmp_path / "b", **shared) as second,
    ):
        yield first, second


async def forget_presence(redis_url: str, prefix: str) -> None:
    """Delete a test's presence keys."""
    cleanup = RedisPresenceStore(redis_url, prefix)
    keys = [key async for key in cleanup.redis.scan_iter(f"{prefix}:*")]
    if keys:
        await cleanup.redis.delete(*keys)
    await cleanup.redis.aclose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_shopper_and_agent_on_different_processes_chat_through_redis(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        agent = await second.agent(status="online")
        visitor = await first.visitor()
        conversation_id = visitor.session["conversation_id"]

        await visitor.send("转人工")
        assigned = await agent.wait_for("assigned")
        assert assigned["conversation"]["id"] == conversation_id
        await visitor.wait_for("assigned")

        await agent.send(conversation_id, "您好，我在另一台服务器上为您服务")
        relayed = await visitor.wait_for("message", lambda m: m["sender"] == "agent")
        assert relayed["text"] == "您好，我在另一台服务器上为您服务"
        await visitor.send("收到，谢谢")
        back = await agent.wait_for("message", lambda m: m["text"] == "收到，谢谢")
        assert back["conversation_id"] == conversation_id


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_burst_across_processes_arrives_whole_and_in_order(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """The receiving process hands messages from the other one on without waiting for each
    delivery (realtime/rooms.py): none may be lost or overtake another."""
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        agent = await second.agent(status="online")
        visitor = await first.visitor()
        await visitor.send("转人工")
        conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
        await visitor.wait_for("assigned")

        texts = [f"第 {n} 条回复" for n in range(30)]
        acks = await asyncio.gather(*(agent.send(conversation_id, text) for text in texts))
        assert all(ack["ok"] for ack in acks)
        await visitor.wait_for(
            "message",
            lambda _m: (
                len([m for m in visitor.received("message") if m["sender"] == "agent"]) >= 30
            ),
        )
        seen = [m for m in visitor.received("message") if m["sender"] == "agent"]
        assert sorted(m["text"] for m in seen) == sorted(texts)  # each once
        assert [m["seq"] for m in seen] == sorted(m["seq"] for m in seen)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_closing_one_of_two_tabs_on_two_processes_keeps_the_chat(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        tab_a = await first.agent(status="online")
        login = await second.login("agent", "agent123")
        tab_b = AgentClient(token=login["token"])
        await tab_b.connect(second.url, {"token": login["token"]})
        second.clients.append(tab_b)
        visitor = await first.visitor()
        await visitor.send("转人工")
        conversation_id = (await tab_a.wait_for("assigned"))["conversation"]["id"]

        await tab_a.disconnect()
        await asyncio.sleep(first.settings.agent_grace_seconds + 0.5)

        async with first.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.status == "assigned"
        reply = await tab_b.send(conversation_id, "我还在，请讲")
        assert reply["ok"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_logout_closes_the_sessions_sockets_on_every_process(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        agent = await second.agent()
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{first.url}/api/auth/logout", headers={"Authorization": f"Bearer {agent.token}"}
            ) as response,
        ):
            assert response.status == 200
        for _ in range(100):
            if not agent.sio.connected:
                break
            await asyncio.sleep(0.05)
        assert not agent.sio.connected


async def test_a_crashed_processes_connections_stop_counting(redis_url: str) -> None:
    prefix = f"chatserver-test-{uuid.uuid4().hex}:presence"
    alive, crashed = RedisPresenceStore(redis_url, prefix), RedisPresenceStore(redis_url, prefix)
    observer = RedisPresenceStore(redis_url, prefix)  # a third process, with no sockets of its own
    for store in (alive, crashed, observer):
        await store.start()
    try:
        await alive.add(7, 1, "sid-alive")
        await crashed.add(8, 2, "sid-crashed")
        await crashed.add(7, 2, "sid-crashed-too")
        assert await observer.count(7) == 2
        assert await observer.count(8) == 1
        # A crash: the heartbeat stops and its key expires (deleted here instead of waiting).
        assert crashed._heartbeat is not None
        crashed._heartbeat.cancel()
        await observer.redis.delete(crashed._host_key(crashed.host_id))
        assert await observer.count(7) == 1
        assert await observer.count(8) == 0
        assert await observer.session_sids(2) == []
        await alive.remove(7, 1, "sid-alive")
        assert await observer.count(7) == 0
    finally:
        for store in (alive, crashed, observer):
            await store.stop()
        await forget_presence(redis_url, prefix)


async def test_presence_heals_after_redis_loses_its_keys(redis_url: str) -> None:
    prefix = f"chatserver-test-{uuid.uuid4().hex}:presence"
    store, observer = RedisPresenceStore(redis_url, prefix), RedisPresenceStore(redis_url, prefix)
    await store.start()
    await observer.start()
    try:
        await store.add(7, 1, "sid-1")
        assert await observer.count(7) == 1
        # Redis restarted without persistence: every key is gone, the socket is still open.
        keys = [key async for key in store.redis.scan_iter(f"{prefix}:*")]
        await store.redis.delete(*keys)
        assert await observer.count(7) == 0
        await store.beat()  # the next heartbeat, at most 10 s later
        assert await observer.count(7) == 1
        assert await observer.session_sids(1) == ["sid-1"]
        assert 0 < await store.redis.ttl(f"{prefix}:agent:7") <= 90
    finally:
        await store.stop()
        await observer.stop()
        await forget_presence(redis_url, prefix)

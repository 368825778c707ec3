"""The chat an agent's panel has open (`focus`) is known on every process: the shopper's
process decides whether the agent's suggestions are worth finding, and the agent's socket may
be on the other one."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from chatserver.services.presence_store import (
    LocalPresenceStore,
    PresenceStore,
    RedisPresenceStore,
)
from tests.realtime.test_focus import AskedMatcher, two_chats
from tests.scale.test_two_processes import forget_presence, two_processes


async def _agent_shows(here: PresenceStore, there: PresenceStore) -> None:
    """Agent 7's sockets live on `here`; `there` (maybe the same store) is asked."""
    assert not await there.shows(7, 100)  # no socket at all: nobody to show anything to
    await here.add(7, 1, "tab-1")
    assert await there.shows(7, 100)  # a socket that never said shows every chat
    await here.set_focus(7, "tab-1", 100)
    assert await there.shows(7, 100)
    assert not await there.shows(7, 200)
    await here.set_focus(7, "tab-1", None)  # the list, no chat open
    assert not await there.shows(7, 100)
    await here.add(7, 2, "tab-2")  # a second panel that never says
    assert await there.shows(7, 200)
    await here.set_focus(7, "tab-2", 200)
    assert await there.shows(7, 200) and not await there.shows(7, 100)
    await here.set_focus(8, "tab-2", 100)  # another agent cannot move this socket's focus
    assert not await there.shows(7, 100)
    await here.remove(7, 2, "tab-2")
    assert not await there.shows(7, 200)
    await here.remove(7, 1, "tab-1")
    await here.set_focus(7, "tab-1", 100)  # a socket already gone: nothing to record
    assert not await there.shows(7, 100)


async def test_one_process_knows_each_panels_open_chat() -> None:
    store = LocalPresenceStore()
    await _agent_shows(store, store)


async def test_every_process_knows_each_panels_open_chat(redis_url: str) -> None:
    prefix = f"chatserver-test-{uuid.uuid4().hex}:presence"
    here, there = RedisPresenceStore(redis_url, prefix), RedisPresenceStore(redis_url, prefix)
    await here.start()
    await there.start()
    try:
        await _agent_shows(here, here)
        await _agent_shows(here, there)
    finally:
        await here.stop()
        await there.stop()
        await forget_presence(redis_url, prefix)


async def test_a_crashed_process_panels_stop_showing_and_focus_heals_after_redis_loses_it(
    redis_url: str,
) -> None:
    prefix = f"chatserver-test-{uuid.uuid4().hex}:presence"
    crashed, healthy = RedisPresenceStore(redis_url, prefix), RedisPresenceStore(redis_url, prefix)
    observer = RedisPresenceStore(redis_url, prefix)
    for store in (crashed, healthy, observer):
        await store.start()
    try:
        await crashed.add(7, 1, "legacy-tab")  # shows everything, until its process dies
        await crashed.add(7, 3, "focused-tab")
        await crashed.set_focus(7, "focused-tab", 300)
        await healthy.add(7, 2, "tab")
        await healthy.set_focus(7, "tab", 100)
        assert await observer.shows(7, 200)
        assert crashed._heartbeat is not None
        crashed._heartbeat.cancel()
        await observer.redis.delete(crashed._host_key(crashed.host_id))
        assert not await observer.shows(7, 200)
        assert not await observer.shows(7, 300)
        assert await observer.shows(7, 100)
        # The dead process's focus fields are cleared as they are found.
        assert await observer.redis.hkeys(f"{prefix}:focus:7") == ["tab"]

        # Redis restarted empty: the next heartbeat writes the focus back with the socket.
        keys = [key async for key in observer.redis.scan_iter(f"{prefix}:*")]
        await observer.redis.delete(*keys)
        await healthy.beat()
        assert await observer.shows(7, 100) and not await observer.shows(7, 200)
        assert 0 < await observer.redis.ttl(f"{prefix}:focus:7") <= 90
    finally:
        for store in (crashed, healthy, observer):
            await store.stop()
        await forget_presence(redis_url, prefix)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_suggestions_follow_a_panel_on_the_other_process(
    database_url: str, redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with two_processes(database_url, redis_url, tmp_path) as (first, second):
        agent = await second.agent(status="online", handshake={"focus": None})
        open_shopper, open_chat, background_shopper, background_chat = await two_chats(first, agent)
        assert (await agent.call("focus", {"conversation_id": open_chat}))["ok"]
        await agent.wait_for("suggestions", lambda s: s["conversation_id"] == open_chat)
        await second.settle()

        # The shoppers' lines are stored, and suggestions decided, on the first process.
        matcher = AskedMatcher(first, monkeypatch)
        await background_shopper.send("这件毛衣可以机洗吗？")
        await agent.wait_for("message", lambda m: m["text"] == "这件毛衣可以机洗吗？")
        await first.settle()
        assert matcher.asked == []
        expected = await matcher.real(agent.agent["shop"]["id"], "衣服洗了会缩水吗")
        assert any(i["kind"] == "faq" for i in expected)
        await open_shopper.send("衣服洗了会缩水吗")
        await agent.wait_for(
            "suggestions", lambda s: s["conversation_id"] == open_chat and s["items"] == expected
        )
        assert matcher.asked == ["衣服洗了会缩水吗"]
        assert not [
            data
            for event, data in agent.events
            if event == "suggestions" and data["conversation_id"] == background_chat
        ]

"""The SLA timers with Redis: of two server processes exactly one fires each alert, and when
the leader dies the other takes over once its lock expires."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from chatserver.db.models import Conversation, ConversationEvent
from chatserver.services.leader import RedisLeadership
from tests.scale.test_two_processes import two_processes


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_of_two_processes_exactly_one_fires_each_alert(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    no_ticks = {"CHATSERVER_SLA_TICK_SECONDS": "0"}
    async with two_processes(database_url, redis_url, tmp_path, **no_ticks) as (first, second):
        supervisor_a = await first.agent("admin", "admin123", status="away")
        visitor = await second.visitor()
        assert (await visitor.call("handoff", {}))["ok"]
        conversation_id = visitor.session["conversation_id"]
        async with first.db.sessions() as session:
            queued_at = (await session.get_one(Conversation, conversation_id)).queued_at
        assert queued_at is not None
        at = queued_at + timedelta(seconds=61)

        results = await asyncio.gather(
            first.parts.sla_watch.run_once(at), second.parts.sla_watch.run_once(at)
        )
        # One process leads and fires both alerts; the other does not even look.
        assert sorted(results, key=lambda r: r is None) == [2, None]
        await first.settle()
        await second.settle()
        breach = await supervisor_a.wait_for("sla_breach")
        assert breach["conversation_id"] == conversation_id
        again = await asyncio.gather(
            first.parts.sla_watch.run_once(at), second.parts.sla_watch.run_once(at)
        )
        assert sorted(again, key=lambda r: r is None) == [0, None]
        async with first.db.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ConversationEvent)
                .where(
                    ConversationEvent.conversation_id == conversation_id,
                    ConversationEvent.type.in_(("sla_warning", "sla_breach")),
                )
            )
        assert count == 2
        assert len(supervisor_a.received("sla_breach")) == 1


async def test_the_lock_is_taken_over_when_its_holder_stops_renewing_it(redis_url: str) -> None:
    key = f"chatserver-test-{uuid.uuid4().hex}:sla-leader"
    alive = RedisLeadership(redis_url, key, ttl_seconds=0.3)
    other = RedisLeadership(redis_url, key, ttl_seconds=0.3)
    try:
        assert await alive.hold()
        assert not await other.hold()
        assert await alive.hold()  # renewing keeps it
        # `alive` dies without a word (no release): its key runs out and `other` takes over.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while not await other.hold():
            assert loop.time() < deadline, "the lock was never taken over"
            await asyncio.sleep(0.05)
        assert not await alive.hold()
    finally:
        await other.release()
        await alive.redis.aclose()
    # A clean stop hands the lock on at once.
    first = RedisLeadership(redis_url, key, ttl_seconds=30)
    second = RedisLeadership(redis_url, key, ttl_seconds=30)
    try:
        assert await first.hold()
        await first.release()
        assert await second.hold()
    finally:
        await second.release()

"""A resend is answered with the stored message, also when it waited for the chat's lock while
its first attempt, holding the lock, stored the message (PostgreSQL row locks)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from chatserver.db.models import Conversation, Message
from tests.conftest import LiveServer, until_a_query_waits_for_a_lock


async def test_an_agents_resend_waiting_for_the_lock_gets_the_stored_message(
    server: LiveServer,
) -> None:
    if not server.db.url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's: SQLite locks the whole database")
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]

    async with server.db.engine.connect() as holder, holder.begin():
        await holder.execute(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        )
        # The desk's first attempt and its resend after a reconnect, both behind the lock.
        sends = [
            asyncio.ensure_future(agent.send(conversation_id, "您好，马上为您查询", "reply-1"))
            for _ in range(2)
        ]
        await until_a_query_waits_for_a_lock(server, held_by=holder, queries=2)
    first, second = await asyncio.gather(*sends)
    assert first["ok"] and second["ok"], (first, second)
    assert first["message"]["id"] == second["message"]["id"]
    async with server.db.sessions() as session:
        stored = await session.scalar(select(func.count()).where(Message.client_id == "reply-1"))
    assert stored == 1

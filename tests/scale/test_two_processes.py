"""Scale-out: two server instances sharing PostgreSQL and the real Redis behave as one."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.conftest import running_server


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_shopper_and_agent_on_different_processes_chat_through_redis(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    channel = f"chatserver-test-{uuid.uuid4().hex}"
    shared = {"REDIS_URL": redis_url, "CHATSERVER_REDIS_CHANNEL": channel}
    async with (
        running_server(database_url, tmp_path / "a", **shared) as first,
        running_server(database_url, tmp_path / "b", **shared) as second,
    ):
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

"""Routing by group over real sockets: the handoff picks 售前 or 售后, a chat reaches only an
agent of its group, and never an agent whose connections are all gone."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from chatserver.db.models import Conversation
from tests.conftest import LiveServer, running_server
from tests.realtime.group_helpers import group_ids, set_groups


async def _status(server: LiveServer, conversation_id: int) -> tuple[str, int | None]:
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        return conversation.status, conversation.agent_id


async def test_after_sales_question_lands_in_aftersales_and_reaches_only_its_agent(
    server: LiveServer,
) -> None:
    await server.add_agent("pre", "小前")
    await server.add_agent("after", "小后")
    await set_groups(server, "pre", ["售前"])
    await set_groups(server, "after", ["售后"])
    groups = await group_ids(server)
    # The after-sales agent is busier: least-loaded routing alone would pick 小前.
    after = await server.agent("after", "secret123", status="online")
    warmup = await server.visitor()
    await warmup.send("我要退款，转人工")
    await after.wait_for("assigned")
    presales = await server.agent("pre", "secret123", status="online")

    shopper = await server.visitor()
    await shopper.send("收到的衣服破损了，我要换货，转人工")
    assigned = await after.wait_for(
        "assigned", lambda a: a["conversation"]["id"] == shopper.session["conversation_id"]
    )
    assert assigned["conversation"]["group"] == {
        "id": groups["售后"],
        "name": "售后",
        "topic": "aftersales",
    }
    await server.settle()
    assert presales.received("assigned") == []

    # A pre-sales question goes to 售前.
    buyer = await server.visitor()
    await buyer.send("这件还有M码吗？转人工")
    to_pre = await presales.wait_for("assigned")
    assert to_pre["conversation"]["id"] == buyer.session["conversation_id"]
    assert to_pre["conversation"]["group"]["name"] == "售前"


async def test_a_group_with_nobody_online_keeps_its_chat_waiting(server: LiveServer) -> None:
    await server.add_agent("pre", "小前")
    await set_groups(server, "pre", ["售前"])
    presales = await server.agent("pre", "secret123", status="online")
    shopper = await server.visitor()
    conversation_id = shopper.session["conversation_id"]
    await shopper.send("我要退货，转人工")
    queue = await presales.wait_for("queue", lambda q: len(q["items"]) == 1)
    # The waiting list shows each chat's group.
    assert queue["items"][0]["group"]["name"] == "售后"
    await server.settle()
    assert await _status(server, conversation_id) == ("queued", None)
    assert presales.received("assigned") == []

    # A 售后 agent logging in takes it at once.
    await server.add_agent("after", "小后")
    await set_groups(server, "after", ["售后"])
    after = await server.agent("after", "secret123", status="online")
    assert (await after.wait_for("assigned"))["conversation"]["id"] == conversation_id


async def test_an_agent_inside_the_grace_period_gets_no_new_chat(
    database_url: str, tmp_path: Path
) -> None:
    async with running_server(
        database_url, tmp_path, CHATSERVER_AGENT_GRACE_SECONDS="60"
    ) as server:
        gone = await server.agent(status="online")
        await gone.disconnect()
        shopper = await server.visitor()
        conversation_id = shopper.session["conversation_id"]
        await shopper.send("转人工")
        await shopper.wait_for("queue")
        await server.settle()
        # Still "online" in the database (the grace period), but no panel is connected.
        assert await _status(server, conversation_id) == ("queued", None)
        assert not any(m["meta"].get("event") == "assigned" for m in shopper.received("message"))

        # Back within the grace period: the chat comes now that a panel is open again.
        back = await server.agent()
        assert (await back.wait_for("assigned"))["conversation"]["id"] == conversation_id


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_panel_closed_on_another_process_brings_no_new_chat(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    channel = f"chatserver-test-{uuid.uuid4().hex}"
    shared = {
        "REDIS_URL": redis_url,
        "CHATSERVER_REDIS_CHANNEL": channel,
        "SECRET_KEY": f"shared-secret-{channel}",
        "CHATSERVER_AGENT_GRACE_SECONDS": "60",
    }
    async with (
        running_server(database_url, tmp_path / "a", **shared) as first,
        running_server(database_url, tmp_path / "b", **shared) as second,
    ):
        agent = await second.agent(status="online")
        shopper = await first.visitor()
        await shopper.send("转人工")
        # Connected on the other process: routing on this one sees it through Redis.
        assert (await agent.wait_for("assigned"))["conversation"]["id"] == (
            shopper.session["conversation_id"]
        )
        await agent.disconnect()
        await second.settle()
        later = await first.visitor()
        await later.send("转人工")
        await later.wait_for("queue")
        await first.settle()
        assert await _status(first, later.session["conversation_id"]) == ("queued", None)

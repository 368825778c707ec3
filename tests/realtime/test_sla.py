"""SLA timers over real sockets: the agent hears `sla_warning` before the target, supervisors
`sla_breach` when it passes, each once per clock, across a restart; a chat left unanswered is
handed on when the shop asks for it. Time is the watch's injected `now`, never a sleep."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.actions.sla import REASSIGNED_NOTICE
from chatserver.db.models import Agent, Conversation, ConversationEvent, utcnow
from chatserver.db.sla import SlaPolicyRow
from chatserver.views.sla import policy_for
from tests.conftest import AgentClient, LiveServer, running_server, until_a_query_waits_for_a_lock
from tests.realtime.test_leave_message import leave, server_at

NO_TICKS = {"CHATSERVER_SLA_TICK_SECONDS": "0"}


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with running_server(database_url, tmp_path, **NO_TICKS) as live:
        yield live


async def _times(server: LiveServer, conversation_id: int) -> Conversation:
    async with server.db.sessions() as session:
        return await session.get_one(Conversation, conversation_id)


async def _alerts(server: LiveServer, conversation_id: int) -> list[tuple[str, dict[str, Any]]]:
    async with server.db.sessions() as session:
        rows = await session.execute(
            select(ConversationEvent.type, ConversationEvent.data)
            .where(
                ConversationEvent.conversation_id == conversation_id,
                ConversationEvent.type.in_(("sla_warning", "sla_breach")),
            )
            .order_by(ConversationEvent.id)
        )
        return [(type_, data) for type_, data in rows]


async def _reassign_after(server: LiveServer, shop_id: int, seconds: int) -> None:
    async with server.db.transaction() as tx:
        tx.session.add(
            SlaPolicyRow(
                shop_id=shop_id,
                group_id=None,
                first_response_s=3600,
                next_response_s=3600,
                resolution_s=48 * 3600,
                warn_percent=75,
                business_hours_only=False,
                reassign_after_s=seconds,
                updated_at=utcnow(),
            )
        )


async def _tick(server: LiveServer, at: datetime) -> int | None:
    fired = await server.parts.sla_watch.run_once(at)
    await server.settle()
    return fired


async def test_a_pressed_handoff_without_a_message_shows_its_clock_in_the_chat_list(
    server: LiveServer,
) -> None:
    supervisor = await server.agent("admin", "admin123", status="away")
    visitor = await server.visitor()
    ack = await visitor.call("handoff", {})
    assert ack["ok"] and ack["status"] == "queued"
    conversation_id = visitor.session["conversation_id"]
    queue = await supervisor.wait_for(
        "queue", lambda q: any(i["id"] == conversation_id for i in q["items"])
    )
    item = next(i for i in queue["items"] if i["id"] == conversation_id)
    first = item["sla"]["clocks"][0]
    assert first["kind"] == "first_response"
    assert first["started_at"] == item["queued_at"]
    assert first["target_s"] == 60 and first["warn_s"] == 45 and first["running"] is True
    assert item["sla"]["state"] == "ok"
    assert item["sla"]["policy"]["first_response_s"] == 60

    # The agent who takes it sees the same clock, still running: nobody has answered.
    agent = await server.agent(status="online")
    assigned = await agent.wait_for(
        "assigned", lambda a: a["conversation"]["id"] == conversation_id
    )
    assert assigned["conversation"]["sla"]["clocks"][0]["started_at"] == item["queued_at"]


async def test_the_agent_is_warned_before_the_target_and_supervisors_hear_of_the_breach(
    server: LiveServer,
) -> None:
    supervisor = await server.agent("admin", "admin123", status="away")
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    queued_at = (await _times(server, conversation_id)).queued_at
    assert queued_at is not None

    assert await _tick(server, queued_at + timedelta(seconds=44)) == 0
    assert agent.received("sla_warning") == []

    assert await _tick(server, queued_at + timedelta(seconds=46)) == 1
    warning = await agent.wait_for("sla_warning")
    assert warning["conversation_id"] == conversation_id
    assert warning["kind"] == "first_response" and warning["state"] == "warning"
    assert warning["target_s"] == 60 and warning["elapsed_s"] == 46
    assert warning["agent"] == {"id": agent.agent["id"], "name": agent.agent["name"]}
    assert supervisor.received("sla_breach") == []

    assert await _tick(server, queued_at + timedelta(seconds=61)) == 1
    breach = await supervisor.wait_for("sla_breach")
    assert breach["conversation_id"] == conversation_id and breach["state"] == "breached"
    assert breach["visitor"]["id"] == visitor.session["visitor"]["id"]
    # The breach is for supervisors; the agent was warned once.
    assert agent.received("sla_breach") == []
    assert len(agent.received("sla_warning")) == 1

    # Ticking on fires nothing more for this clock.
    assert await _tick(server, queued_at + timedelta(seconds=90)) == 0
    rows = await _alerts(server, conversation_id)
    assert [t for t, _ in rows] == ["sla_warning", "sla_breach"]
    for _type, data in rows:
        assert data["kind"] == "first_response"
        assert data["target_seconds"] == 60
        assert "group_id" in data


async def test_the_next_response_clock_runs_from_the_oldest_unanswered_message(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    assert (await agent.send(conversation_id, "您好，请问有什么可以帮您？"))["ok"]
    await visitor.send("我的快递三天没动了")
    await visitor.send("能帮我查一下吗")
    await server.settle()
    chat = await _times(server, conversation_id)
    assert chat.awaiting_since is not None and chat.first_response_at is not None
    asked = chat.awaiting_since

    assert await _tick(server, asked + timedelta(seconds=46)) == 1
    warning = await agent.wait_for("sla_warning")
    assert warning["kind"] == "next_response"
    assert datetime.fromisoformat(warning["started_at"].replace("Z", "+00:00")) == asked

    # Answering stops the clock: no breach comes later.
    assert (await agent.send(conversation_id, "好的，我马上为您查询"))["ok"]
    assert await _tick(server, asked + timedelta(seconds=120)) == 0
    assert [t for t, _ in await _alerts(server, conversation_id)] == ["sla_warning"]


async def test_a_queued_chat_nobody_takes_warns_the_agents_who_could_take_it(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="away")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    conversation_id = visitor.session["conversation_id"]
    queued_at = (await _times(server, conversation_id)).queued_at
    assert queued_at is not None
    assert await _tick(server, queued_at + timedelta(seconds=50)) == 1
    warning = await agent.wait_for("sla_warning")
    assert warning["status"] == "queued" and warning["agent"] is None


async def test_a_restart_in_the_middle_neither_loses_nor_repeats_an_alert(
    database_url: str, tmp_path: Path
) -> None:
    async with running_server(database_url, tmp_path / "one", **NO_TICKS) as first:
        agent = await first.agent(status="online")
        visitor = await first.visitor()
        await visitor.call("handoff", {})
        conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
        queued_at = (await _times(first, conversation_id)).queued_at
        assert queued_at is not None
        assert await _tick(first, queued_at + timedelta(seconds=46)) == 1
    # The process is gone; the breach came due while nobody was running.
    async with running_server(database_url, tmp_path / "two", **NO_TICKS) as second:
        supervisor = await second.agent("admin", "admin123", status="away")
        assert await _tick(second, queued_at + timedelta(seconds=300)) == 1
        assert (await supervisor.wait_for("sla_breach"))["conversation_id"] == conversation_id
        assert await _tick(second, queued_at + timedelta(seconds=400)) == 0
        assert [t for t, _ in await _alerts(second, conversation_id)] == [
            "sla_warning",
            "sla_breach",
        ]


async def _served_with_another_agent_free(
    server: LiveServer,
) -> tuple[AgentClient, AgentClient, Any, Conversation]:
    """A shopper's chat assigned to one of two online agents: (its agent, the other, the
    shopper, the chat as stored)."""
    await server.add_agent("xiaoli", "小丽")
    first = await server.agent(status="online")
    second = await server.agent("xiaoli", "secret123", status="online")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    await server.settle()
    chat = await _times(server, visitor.session["conversation_id"])
    assert chat.assigned_at is not None and chat.agent_id is not None
    owner, other = (first, second) if chat.agent_id == first.agent["id"] else (second, first)
    return owner, other, visitor, chat


async def test_an_unanswered_chat_goes_to_another_agent_when_the_shop_asks_for_it(
    server: LiveServer,
) -> None:
    owner, other, visitor, chat = await _served_with_another_agent_free(server)
    conversation_id = chat.id
    assert chat.assigned_at is not None

    # Off by default: nothing moves however long the agent stays silent.
    assert await _tick(server, chat.assigned_at + timedelta(seconds=600)) is not None
    assert (await _times(server, conversation_id)).agent_id == owner.agent["id"]

    await _reassign_after(server, chat.shop_id, 30)
    await _tick(server, chat.assigned_at + timedelta(seconds=29))
    assert (await _times(server, conversation_id)).agent_id == owner.agent["id"]
    await _tick(server, chat.assigned_at + timedelta(seconds=31))

    gone = await owner.wait_for("unassigned")
    assert gone == {"conversation_id": conversation_id, "reason": "unanswered"}
    taken = await other.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
    texts = [m["text"] for m in taken["messages"]]
    assert REASSIGNED_NOTICE in texts
    await visitor.wait_for("message", lambda m: m["text"] == REASSIGNED_NOTICE)
    await visitor.wait_for("assigned", lambda a: a["agent"]["id"] == other.agent["id"])
    assert (await _times(server, conversation_id)).agent_id == other.agent["id"]


@asynccontextmanager
async def _hand_on_while_routing_holds_the_next_agent(
    server: LiveServer, *, next_agent_seats: int
) -> AsyncIterator[tuple[Any, AgentClient, AgentClient, AsyncConnection]]:
    """An unanswered chat served by the demo agent, due to be handed on to 小丽, whose row a
    routing transaction holds (PostgreSQL). The body runs while the hand-on waits for that
    lock, with the routing connection; the hand-on is awaited once the body committed it."""
    if not server.db.url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's: SQLite locks the whole database")
    await server.add_agent("xiaoli", "小丽", max_chats=next_agent_seats)
    first = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    await first.wait_for("assigned")
    second = await server.agent("xiaoli", "secret123", status="online")
    chat = await _times(server, visitor.session["conversation_id"])
    assert chat.assigned_at is not None and chat.agent_id == first.agent["id"]
    await _reassign_after(server, chat.shop_id, 30)
    async with server.db.engine.connect() as routing, routing.begin():
        # Routing's order: the next agent's row first ...
        await routing.execute(select(Agent).where(Agent.id == second.agent["id"]).with_for_update())
        tick = asyncio.ensure_future(_tick(server, chat.assigned_at + timedelta(seconds=31)))
        await until_a_query_waits_for_a_lock(server, held_by=routing)
        yield chat, first, second, routing
    await tick


async def test_handing_on_an_unanswered_chat_waits_for_routing_instead_of_deadlocking(
    server: LiveServer,
) -> None:
    """Routing (`assign`) locks the agent, then the conversation; handing on an unanswered
    chat must take them in the same order, or the two deadlock on PostgreSQL."""
    async with _hand_on_while_routing_holds_the_next_agent(server, next_agent_seats=5) as (
        chat,
        _first,
        second,
        routing,
    ):
        # ... then the conversation's, while the hand-on waits for the agent.
        await routing.execute(
            select(Conversation).where(Conversation.id == chat.id).with_for_update()
        )
    await second.wait_for("assigned", lambda a: a["conversation"]["id"] == chat.id)
    assert (await _times(server, chat.id)).agent_id == second.agent["id"]


async def test_an_unanswered_chat_stays_when_routing_filled_the_next_agents_last_seat(
    server: LiveServer,
) -> None:
    """The next agent is chosen before their row is locked; if routing gives them their last
    free seat meanwhile, the chat stays with its agent instead of going back to the queue."""
    other_chat = (await server.visitor()).session["conversation_id"]
    async with _hand_on_while_routing_holds_the_next_agent(server, next_agent_seats=1) as (
        chat,
        first,
        second,
        routing,
    ):
        # Routing gives 小丽 her one seat while the hand-on waits for her row.
        await routing.execute(
            update(Conversation)
            .where(Conversation.id == other_chat)
            .values(status="assigned", agent_id=second.agent["id"], assigned_at=utcnow())
        )
    after = await _times(server, chat.id)
    assert after.agent_id == first.agent["id"] and after.status == "assigned"
    assert not [e for e in first.events if e[0] == "unassigned"]


async def test_an_unanswered_chat_is_not_handed_to_an_agent_whose_panel_is_closed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_server(
        database_url, tmp_path, CHATSERVER_AGENT_GRACE_SECONDS="60", **NO_TICKS
    ) as server:
        await server.add_agent("xiaoli", "小丽")
        owner = await server.agent(status="online")
        visitor = await server.visitor()
        await visitor.call("handoff", {})
        conversation_id = visitor.session["conversation_id"]
        assert (await owner.wait_for("assigned"))["conversation"]["id"] == conversation_id
        gone = await server.agent("xiaoli", "secret123", status="online")
        await gone.disconnect()
        for _ in range(100):
            if not await server.parts.presence.is_connected(gone.agent["id"]):
                break
            await asyncio.sleep(0.02)
        chat = await _times(server, conversation_id)
        assert chat.assigned_at is not None
        await _reassign_after(server, chat.shop_id, 30)

        # Still "online" (the grace period runs), but no panel is open: the chat stays.
        await _tick(server, chat.assigned_at + timedelta(seconds=31))
        assert (await _times(server, conversation_id)).agent_id == owner.agent["id"]
        assert owner.received("unassigned") == []

        # Back within the grace period: now it is handed on.
        back = await server.agent("xiaoli", "secret123")
        await _tick(server, chat.assigned_at + timedelta(seconds=32))
        await back.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
        assert (await _times(server, conversation_id)).agent_id == back.agent["id"]


async def test_a_message_left_at_night_has_no_alert_before_the_shop_opens(
    database_url: str, tmp_path: Path
) -> None:
    """Wall-clock policy (the default), but a 留言 waits for the next shift by design: its clocks
    count service hours (09:00 Shanghai here), so 02:00 + 60 s is no breach."""
    async with server_at(database_url, tmp_path, "2026-11-30 02:00") as (server, clock):
        supervisor = await server.agent("admin", "admin123", status="away")
        shopper = await server.visitor()
        conversation_id = shopper.session["conversation_id"]
        await shopper.call("handoff", {})
        assert (await leave(shopper, "尺码发错了，想换L码"))["status"] == "queued"
        # The stored times as the service clock reads them (they are written from the wall clock).
        async with server.db.transaction() as tx:
            await tx.session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(queued_at=clock.at, awaiting_since=clock.at)
            )
        chat = await _times(server, conversation_id)
        assert chat.handoff_reason == "leave_message" and chat.status == "queued"

        for later in (timedelta(seconds=61), timedelta(hours=3), timedelta(hours=6, minutes=59)):
            assert await _tick(server, clock.at + later) == 0
        assert await _alerts(server, conversation_id) == []
        # Its group's policy (a size exchange lands in after-sales: 5 minutes), counted from 09:00.
        async with server.db.sessions() as session:
            policy = await policy_for(session, chat.shop_id, chat.group_id)
        assert not policy.business_hours_only
        target, warn = policy.first_response_s, policy.warn_after(policy.first_response_s)
        opens = clock.at + timedelta(hours=7)  # 09:00 Shanghai
        assert await _tick(server, opens + timedelta(seconds=warn - 1)) == 0
        assert await _tick(server, opens + timedelta(seconds=warn)) == 1
        assert [t for t, _ in await _alerts(server, conversation_id)] == ["sla_warning"]
        assert await _tick(server, opens + timedelta(seconds=target)) == 1
        breach = await supervisor.wait_for("sla_breach")
        assert breach["conversation_id"] == conversation_id and breach["elapsed_s"] == target

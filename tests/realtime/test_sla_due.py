"""The SLA watch remembers chats that cannot have anything due yet (views/sla_due.py): a chat
looked at early is still warned on time, and anything its clocks read that changes (the
shop's policy, the re-assignment limit, a new unanswered message) counts at the next tick."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from chatserver.db.hours import ShopHours
from chatserver.db.models import Conversation, utcnow
from chatserver.db.sla import SlaPolicyRow
from chatserver.domain import sla
from chatserver.domain.business_hours import ServiceCalendar
from chatserver.domain.hours_settings import calendar_wire
from chatserver.domain.sla_policy import SHOP_DEFAULT
from chatserver.views.sla_due import DueChats
from tests.conftest import AgentClient, LiveServer
from tests.realtime.test_sla import (
    _alerts,
    _served_with_another_agent_free,
    _tick,
    _times,
    server,
)

__all__ = ["server"]  # the fixture, shared with test_sla.py


async def _shop_policy(server: LiveServer, shop_id: int, **changes: Any) -> None:
    """The shop's own policy row: the defaults with `changes` (written over an earlier one)."""
    async with server.db.transaction() as tx:
        row = await tx.session.scalar(
            select(SlaPolicyRow).where(
                SlaPolicyRow.shop_id == shop_id, SlaPolicyRow.group_id.is_(None)
            )
        )
        if row is None:
            row = SlaPolicyRow(shop_id=shop_id, group_id=None, **asdict(SHOP_DEFAULT))
            tx.session.add(row)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = utcnow()


async def _first_response_within(server: LiveServer, shop_id: int, seconds: int) -> None:
    await _shop_policy(server, shop_id, first_response_s=seconds)


async def _handed_to_an_agent(server: LiveServer) -> tuple[AgentClient, Conversation, datetime]:
    """A shopper who pressed 转人工, assigned to the demo agent: (the agent, the chat as
    stored, when it was queued)."""
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.call("handoff", {})
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    chat = await _times(server, conversation_id)
    assert chat.queued_at is not None
    return agent, chat, chat.queued_at


async def test_a_chat_looked_at_early_is_warned_on_time_and_held_to_a_tightened_policy(
    server: LiveServer,
) -> None:
    supervisor = await server.agent("admin", "admin123", status="away")
    agent, chat, queued_at = await _handed_to_an_agent(server)
    conversation_id = chat.id

    for seconds in (5, 20, 44):
        assert await _tick(server, queued_at + timedelta(seconds=seconds)) == 0
    assert await _tick(server, queued_at + timedelta(seconds=46)) == 1
    assert (await agent.wait_for("sla_warning"))["target_s"] == 60
    assert await _tick(server, queued_at + timedelta(seconds=47)) == 0

    # The shop now wants an answer within 40 s: at 48 s the chat is past it, though the
    # default's breach (60 s) is still ahead.
    await _first_response_within(server, chat.shop_id, 40)
    assert await _tick(server, queued_at + timedelta(seconds=48)) == 1
    breach = await supervisor.wait_for("sla_breach")
    assert breach["conversation_id"] == conversation_id and breach["target_s"] == 40
    assert [t for t, _ in await _alerts(server, conversation_id)] == ["sla_warning", "sla_breach"]


async def test_a_new_unanswered_message_starts_a_clock_the_watch_sees(server: LiveServer) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    assert (await agent.send(conversation_id, "您好，请问有什么可以帮您？"))["ok"]
    await server.settle()
    answered_at = utcnow()
    # Nothing is owed: the chat is remembered as quiet for a long while.
    assert await _tick(server, answered_at + timedelta(seconds=1)) == 0

    await visitor.send("我的快递三天没动了")
    await server.settle()
    asked = (await _times(server, conversation_id)).awaiting_since
    assert asked is not None
    assert await _tick(server, asked + timedelta(seconds=46)) == 1
    assert (await agent.wait_for("sla_warning"))["kind"] == "next_response"


async def test_a_quiet_chat_is_handed_on_once_the_shop_asks_for_it(server: LiveServer) -> None:
    owner, other, _visitor, chat = await _served_with_another_agent_free(server)
    assert chat.assigned_at is not None
    # The shop's own policy, the defaults' numbers, no limit: nothing due before the first
    # response's warning (45 s), so the chat is remembered as quiet.
    await _shop_policy(server, chat.shop_id)
    assert await _tick(server, chat.assigned_at + timedelta(seconds=10)) == 0

    # Only the limit changes (the clocks' policy does not).
    await _shop_policy(server, chat.shop_id, reassign_after_s=20)
    await _tick(server, chat.assigned_at + timedelta(seconds=21))
    assert (await owner.wait_for("unassigned"))["reason"] == "unanswered"
    await other.wait_for("assigned", lambda a: a["conversation"]["id"] == chat.id)


async def test_a_chat_is_computed_again_only_when_something_its_clocks_read_changes(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[int] = []
    running_clocks = sla.running_clocks

    def counted(times: sla.ChatTimes, *rules: Any) -> list[sla.Clock]:
        computed.append(1)
        return running_clocks(times, *rules)

    monkeypatch.setattr(sla, "running_clocks", counted)
    agent, chat, queued_at = await _handed_to_an_agent(server)
    conversation_id = chat.id
    watch = DueChats()
    at = queued_at + timedelta(seconds=5)

    async def scans_computing() -> int:
        computed.clear()
        for seconds in (0, 1):
            assert await watch.scan(server.db, at + timedelta(seconds=seconds)) == ([], [])
        return len(computed)

    assert await scans_computing() == 1  # the first scan only
    assert await scans_computing() == 0
    await _shop_policy(server, chat.shop_id, business_hours_only=True)
    assert await scans_computing() == 1
    async with server.db.transaction() as tx:  # the calendar alone changes: a holiday
        holiday = ServiceCalendar(holidays=frozenset({date(2030, 1, 1)}))
        tx.session.add(ShopHours(shop_id=chat.shop_id, settings=calendar_wire(holiday)))
    assert await scans_computing() == 1
    await _shop_policy(server, chat.shop_id, reassign_after_s=600)
    assert await scans_computing() == 1
    assert (await agent.send(conversation_id, "您好，请问有什么可以帮您？"))["ok"]
    await server.settle()
    assert await scans_computing() == 1
    assert await scans_computing() == 0

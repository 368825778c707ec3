"""Property-based fuzzing (hypothesis) of every socket event of /visitor, /agent and /supervisor,
over real python-socketio clients against a real server, on SQLite and on PostgreSQL.

Properties, for every payload: the call is acknowledged within the timeout; the answer is the
event's documented success shape or `{ok: false, error: {code, message}}` with a code of the
contract's table, never `unavailable`; the socket stays connected; nothing logs an error. After
each event's run the server still carries a normal shopper ↔ agent round trip.

The server runs on its own event loop in a thread, so hypothesis drives plain functions and
keeps its shrinking. Examples are few and derandomized (a run is repeatable and short);
FUZZ_EXAMPLES=200 FUZZ_RANDOM=1 hunts longer by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from sqlalchemy import select

from chatserver.db.migrate import upgrade
from chatserver.db.models import Conversation, Group
from tests.api.authorization_table import EVENTS
from tests.conftest import (
    AgentClient,
    EventClient,
    LiveServer,
    Visitor,
    _pg_url,
    create_pg_database,
    drop_pg_database,
    running_server,
)
from tests.realtime.event_strategies import (
    FRAME_BUDGET,
    VALID,
    documented_acks,
    documented_error_codes,
    frame_size,
    payloads,
)

T = TypeVar("T")
ACKS = documented_acks()
ERROR_CODES = documented_error_codes()
ALL_EVENTS = [(namespace, event) for namespace, rules in EVENTS.items() for event in rules]
settings.register_profile(
    "events",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")),
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,
    deadline=None,
    # The server keeps state between examples, so a failure may not replay exactly: report
    # the first failing payload rather than a shrunk one that may pass.
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class ErrorLog(logging.Handler):
    """Every ERROR the server logs (a handler's crash, a listener failing after the ack)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Rig:
    """A live server on an event loop of its own thread; `run` waits for a coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = contextlib.AsyncExitStack()
        self.server: LiveServer | None = None
        # The demo agent's and admin's logins, made once (password hashing is slow on purpose).
        self.tokens: dict[str, Any] = {}
        self.errors = ErrorLog()

    def run(self, work: Awaitable[T], timeout: float = 30) -> T:
        async def wrapped() -> T:
            return await work

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout)

    @property
    def live(self) -> LiveServer:
        assert self.server is not None
        return self.server

    def stop(self) -> None:
        self.run(self.stack.aclose())

        async def cancel_the_rest() -> None:
            # What the stopped server and clients left (engine.io pings, service tasks).
            rest = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        self.run(cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def rig(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    tmp = tmp_path_factory.mktemp(f"events-{request.param}")
    rig = Rig()
    pg_name: str | None = None
    try:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp / 'chatserver.db'}"
        else:
            pg_name = rig.run(create_pg_database())
            url = _pg_url(pg_name)
        rig.run(upgrade(url), timeout=120)
        rig.server = rig.run(rig.stack.enter_async_context(running_server(url, Path(tmp))))
        logging.getLogger().addHandler(rig.errors)
        yield rig
        # What the listeners did after the last test's checks.
        rig.run(rig.live.settle())
        assert [record.getMessage() for record in rig.errors.records] == []
    finally:
        logging.getLogger().removeHandler(rig.errors)
        rig.stop()
        if pg_name is not None:
            asyncio.run(drop_pg_database(pg_name))


@dataclass
class Stage:
    """One event's scene: an online agent serving a shopper's chat, an admin's live view."""

    rig: Rig
    visitor: Visitor
    agent: AgentClient
    supervisor: EventClient
    ids: dict[str, int]
    errors_before: int
    outcomes: list[str] = field(default_factory=list)

    def client(self, namespace: str) -> EventClient:
        return {"/visitor": self.visitor, "/agent": self.agent}.get(namespace, self.supervisor)


async def _open_stage(live: LiveServer, tokens: dict[str, Any]) -> dict[str, Any]:
    agent = AgentClient(token=tokens["agent"]["token"], agent=tokens["agent"]["agent"])
    await agent.connect(live.url, {"token": agent.token})
    await agent.wait_for("queue")
    assert (await agent.call("status", {"status": "online"}))["ok"]
    visitor = await live.visitor()
    conversation_id = visitor.session["conversation_id"]
    await visitor.send("转人工")
    await agent.wait_for("assigned", lambda data: data["conversation"]["id"] == conversation_id)
    supervisor = EventClient(namespace="/supervisor")
    await supervisor.connect(live.url, {"token": tokens["admin"]["token"]})
    live.clients += [agent, supervisor]
    opened = await agent.call(
        "complaint", {"conversation_id": conversation_id, "matter": "袖口开线"}
    )
    async with live.db.sessions() as session:
        group = await session.scalar(select(Group.id).order_by(Group.id))
    return {
        "visitor": visitor,
        "agent": agent,
        "supervisor": supervisor,
        "ids": {
            "chat": conversation_id,
            "complaint": opened["complaint"]["id"],
            "agent": agent.agent["id"],
            "group": group,
        },
    }


async def _close_stage(live: LiveServer, stage: Stage) -> None:
    """Close whatever the scene left open (as the admin), so the next starts from an empty
    queue and an agent with room."""
    async with live.db.sessions() as session:
        open_ids = await session.scalars(
            select(Conversation.id).where(Conversation.status.in_(["queued", "assigned"]))
        )
        leftover = list(open_ids)
    closer = AgentClient(token=stage.rig.tokens["admin"]["token"])
    await closer.connect(live.url, {"token": closer.token})
    for conversation_id in leftover:
        ack = await closer.call("close", {"conversation_id": conversation_id})
        assert ack["ok"], ack
    for client in (closer, stage.visitor, stage.agent, stage.supervisor):
        await client.disconnect()


@pytest.fixture
def stage(rig: Rig) -> Iterator[Stage]:
    live = rig.live
    if not rig.tokens:
        rig.tokens = {
            "agent": rig.run(live.login("agent", "agent123")),
            "admin": rig.run(live.login("admin", "admin123")),
        }
    scene = rig.run(_open_stage(live, rig.tokens))
    stage = Stage(rig=rig, errors_before=len(rig.errors.records), **scene)
    yield stage
    rig.run(_close_stage(live, stage))


def check_answer(namespace: str, event: str, payload: Any, ack: Any) -> str:
    """The outcome (`ok` or the error code) of an answer the contract allows; fails otherwise."""
    where = (namespace, event, str(payload)[:300], str(ack)[:300])
    assert isinstance(ack, dict) and ack.get("ok") in (True, False), where
    if ack["ok"] is False:
        assert set(ack) == {"ok", "error"}, where
        error = ack["error"]
        assert error["code"] in ERROR_CODES and error["code"] != "unavailable", where
        assert isinstance(error["message"], str) and error["message"].strip(), where
        return str(error["code"])
    required, optional = ACKS[(namespace, event)]
    assert required <= set(ack) <= required | optional, (where, sorted(required | optional))
    return "ok"


async def _round_trip(stage: Stage) -> None:
    """A new shopper asks for a person, the stage's agent answers, the shopper answers back."""
    live, agent = stage.rig.live, stage.agent
    status = await agent.call("status", {"status": "online"})
    assert status["ok"], status
    shopper = await live.visitor()
    conversation_id = shopper.session["conversation_id"]
    asked = await shopper.send("转人工")
    assert asked["ok"], asked
    await agent.wait_for("assigned", lambda data: data["conversation"]["id"] == conversation_id)
    reply = await agent.send(conversation_id, "您好，请问有什么可以帮您？")
    assert reply["ok"], reply
    await shopper.wait_for("message", lambda m: m["id"] == reply["message"]["id"])
    back = await shopper.send("我想问问发货时间")
    assert back["ok"], back
    await agent.wait_for("message", lambda m: m["id"] == back["message"]["id"])


def test_the_contract_documents_every_event() -> None:
    assert ERROR_CODES >= {"invalid_payload", "not_found", "forbidden", "unavailable"}
    assert set(ALL_EVENTS) <= set(ACKS), sorted(set(ALL_EVENTS) - set(ACKS))
    assert set(ALL_EVENTS) == set(VALID)


@pytest.mark.parametrize(
    ("namespace", "event"), ALL_EVENTS, ids=[f"{n}:{e}" for n, e in ALL_EVENTS]
)
def test_every_event_answers_hostile_payloads_by_the_contract(
    stage: Stage, namespace: str, event: str
) -> None:
    client = stage.client(namespace)

    @settings(settings.get_profile("events"))
    @given(payload=payloads(namespace, event, stage.ids))
    def answers(payload: Any) -> None:
        assume(frame_size(payload) < FRAME_BUDGET)
        ack = stage.rig.run(client.call(event, payload, timeout=10), timeout=15)
        stage.outcomes.append(check_answer(namespace, event, payload, ack))
        assert client.sio.connected, (namespace, event, str(payload)[:300])

    answers()
    stage.rig.run(_round_trip(stage))
    # Listener failures so far (settling every time costs more than the fuzzing; the rig
    # settles and checks once more at its end).
    logged = stage.rig.errors.records[stage.errors_before :]
    assert [record.getMessage() for record in logged] == []
    # The payloads got past the shape checks: some answer was not invalid_payload.
    assert set(stage.outcomes) - {"invalid_payload"}, stage.outcomes
    assert stage.visitor.sio.connected and stage.agent.sio.connected
    assert stage.supervisor.sio.connected

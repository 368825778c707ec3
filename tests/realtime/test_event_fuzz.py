"""Hostile payloads for every event a shopper, an agent or a supervisor can send, over real Socket.IO
connections: each gets the contract's error or a normal answer, never a server failure, and the
connection keeps working. The events are read off the namespaces, so a new event is fuzzed the
day it is declared."""

from __future__ import annotations

import logging
import random
import typing
import uuid
from typing import Any

import pytest

from chatserver.errors import ErrorCode
from chatserver.realtime.agent import AgentNamespace
from chatserver.realtime.server import RESERVED_EVENTS
from chatserver.realtime.supervisor import SupervisorNamespace
from chatserver.realtime.visitor import VisitorNamespace
from tests.conftest import EventClient, LiveServer

ERROR_CODES = set(typing.get_args(ErrorCode)) - {"unavailable"}
# Field names the contract uses anywhere: a payload mixing them reaches past the shape checks.
FIELDS = (
    "conversation_id", "client_id", "text", "status", "flag", "seq", "score", "comment",
    "reason", "faq_id", "typing", "draft", "note", "attachment_id", "upto_seq", "visitor_id",
    "complaint_id", "level", "matter", "demand_kind", "phone", "order_no", "to_agent_id",
    "to_group_id", "summary", "notes", "result",
)  # fmt: skip
PAYLOADS_PER_EVENT = 30
# A valid payload per event ("$chat" is the assigned chat), mutated one or two fields at a time
# so the fuzzing gets past the shape checks into the actions; an event without one is fuzzed
# with random fields only.
VALID: dict[str, dict[str, Any]] = {
    "message": {"conversation_id": "$chat", "client_id": "$uuid", "text": "您好，请问还有货吗"},
    "handoff": {},
    "typing": {"conversation_id": "$chat", "typing": True},
    "rate": {"score": 5, "comment": "很好"},
    "read": {"conversation_id": "$chat", "seq": 1},
    "accept": {"conversation_id": "$chat"},
    "note": {"conversation_id": "$chat", "text": "老顾客，尺码偏大"},
    "flag": {"conversation_id": "$chat", "flag": "red"},
    "check_draft": {"conversation_id": "$chat", "text": "你好，这个没货了"},
    "close": {"conversation_id": "$chat"},
    "block": {"conversation_id": "$chat", "reason": "辱骂客服"},
    "status": {"status": "online"},
    "leave_message": {"client_id": "$uuid", "text": "麻烦明天联系我", "phone": "13800138000"},
    "complaint": {"conversation_id": "$chat", "matter": "衣服破了个洞", "demand_kind": "refund"},
    "complaint_update": {"complaint_id": "$complaint", "handling": "已联系仓库核实"},
    "complaint_escalate": {"complaint_id": "$complaint", "level": 1, "reason": "顾客要求主管处理"},
    "complaint_resolve": {"complaint_id": "$complaint", "status": "resolved", "result": "已退款"},
    "transfer": {"conversation_id": "$chat", "to_group_id": 1, "note": "请跟进退款进度"},
    "end_shift": {"notes": [], "summary": "今天没有紧急事项"},
    # The live view (/supervisor).
    "reassign": {"conversation_id": "$chat", "to_agent_id": 1, "note": "请跟进"},
    "take_over": {"conversation_id": "$chat"},
    "watch": {"conversation_id": "$chat"},
    "unwatch": {"conversation_id": "$chat"},
}
# Fuzzed last: they end the chat the others act on.
LAST = ("transfer", "end_shift", "status", "close", "block")


def declared_events(namespace: type) -> list[str]:
    names = [name[3:] for name in dir(namespace) if name.startswith("on_")]
    return sorted(name for name in names if name not in RESERVED_EVENTS)


def hostile_value(rng: random.Random, real_ids: list[int], depth: int = 0) -> Any:
    choices: list[Any] = [
        None, True, 0, -1, 2**63, -(2**80), 1.5, float("inf"), "", " ", "\u3000", "²", "１",
        "x" * 20_000, "<img src=x onerror=alert(1)>", "你好", "\ud800", "1; DROP TABLE messages",
        uuid.uuid4().hex, "online", "red", *real_ids,
    ]  # fmt: skip
    if depth < 2:
        choices += [
            [hostile_value(rng, real_ids, depth + 1)],
            {"a": hostile_value(rng, real_ids, depth + 1)},
        ]
    return rng.choice(choices)


def hostile_payload(
    event: str, rng: random.Random, real_ids: list[int], known: dict[str, int]
) -> Any:
    """`known`: ids the fuzzing has made so far ("complaint": the complaint it opened)."""
    roll = rng.random()
    if roll < 0.1:
        return hostile_value(rng, real_ids)
    if event in VALID and roll < 0.75:
        filled = {"$chat": real_ids[0], "$complaint": known.get("complaint", real_ids[0])}
        payload = {
            name: uuid.uuid4().hex
            if value == "$uuid"
            else filled[value]
            if isinstance(value, str) and value in filled
            else value
            for name, value in VALID[event].items()
        }
        for name in rng.sample(FIELDS, rng.randint(1, 2)):
            if name in payload and rng.random() < 0.2:
                del payload[name]
            else:
                payload[name] = hostile_value(rng, real_ids)
        return payload
    fields = rng.sample(FIELDS, rng.randint(0, 5))
    return {name: hostile_value(rng, real_ids) for name in fields}


def fuzz_order(events: list[str]) -> list[str]:
    return sorted(events, key=lambda name: (name in LAST, LAST.index(name) if name in LAST else 0))


async def fuzz(
    client: EventClient, events: list[str], rng: random.Random, ids: list[int]
) -> dict[str, list[str]]:
    """Each event's outcomes (`ok` or the error code), keyed `namespace:event`."""
    outcomes: dict[str, list[str]] = {f"{client.namespace}:{event}": [] for event in events}
    known: dict[str, int] = {}
    for event in fuzz_order(events):
        for _ in range(PAYLOADS_PER_EVENT):
            payload = hostile_payload(event, rng, ids, known)
            ack = await client.call(event, payload)
            assert isinstance(ack, dict), (event, payload, ack)
            if ack.get("ok") is False:
                error = ack["error"]
                assert error["code"] in ERROR_CODES, (event, payload, ack)
                assert isinstance(error["message"], str) and error["message"].strip()
                outcomes[f"{client.namespace}:{event}"].append(error["code"])
            else:
                assert ack.get("ok") is True, (event, payload, ack)
                outcomes[f"{client.namespace}:{event}"].append("ok")
                if event == "complaint":
                    known.setdefault("complaint", ack["complaint"]["id"])
    return outcomes


def assert_no_server_failure(caplog: pytest.LogCaptureFixture) -> None:
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


async def test_every_event_survives_hostile_payloads(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    conversation_id = (await agent.wait_for("assigned"))["conversation"]["id"]
    ids = [conversation_id, visitor.session["conversation_id"]]
    rng = random.Random(20261130)

    visitor_events = declared_events(VisitorNamespace)
    agent_events = declared_events(AgentNamespace)
    assert {"message", "handoff", "rate"} <= set(visitor_events)
    assert {"message", "close", "note", "block"} <= set(agent_events)

    outcomes = await fuzz(visitor, visitor_events, rng, ids)
    outcomes |= await fuzz(agent, agent_events, rng, ids)
    supervisor = EventClient(namespace="/supervisor")
    await supervisor.connect(
        server.url, {"token": (await server.login("admin", "admin123"))["token"]}
    )
    server.clients.append(supervisor)
    outcomes |= await fuzz(supervisor, declared_events(SupervisorNamespace), rng, ids)
    await server.settle()

    assert_no_server_failure(caplog)
    # The mutations reach past the shape checks: most events also answered something other
    # than invalid_payload (an accepted payload, not_found, forbidden, rate_limited …).
    deep = [event for event, codes in outcomes.items() if set(codes) - {"invalid_payload"}]
    assert len(deep) >= len(outcomes) * 0.7, outcomes
    # Both connections still work after all that.
    assert visitor.sio.connected and agent.sio.connected and supervisor.sio.connected
    ping = await agent.call("typing", {"conversation_id": conversation_id, "typing": True})
    assert ping.get("ok") is True or ping["error"]["code"] in ERROR_CODES

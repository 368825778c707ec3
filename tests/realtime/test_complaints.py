"""Complaints (投诉) over real Socket.IO clients: a shopper's complaint opens a record by itself;
escalation alerts the shop's supervisors (and no other shop's); the shopper never hears of any
of it; bad input gets the contract's error codes and stores nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from chatserver.db.models import Complaint, ComplaintEvent
from tests.conftest import AgentClient, LiveServer, Visitor
from tests.realtime.test_blocks import _chat_with, _event_types

MATTER = "收到的羽绒服袖口开线，要求退款"


def _seen(client: Visitor) -> str:
    return json.dumps([client.session, client.events], ensure_ascii=False)


async def _stored(server: LiveServer) -> tuple[list[tuple[Any, ...]], int]:
    """Every complaint as stored (what a change would show) and the count of history rows."""
    async with server.db.sessions() as session:
        rows = (await session.execute(select(Complaint).order_by(Complaint.id))).scalars()
        complaints = [
            (c.id, c.matter, c.demand_kind, c.handling, c.result, c.status, c.level, c.agent_id)
            for c in rows
        ]
        events = await session.scalar(select(func.count()).select_from(ComplaintEvent))
    return complaints, events or 0


async def test_a_shoppers_complaint_opens_a_record_by_itself(server: LiveServer) -> None:
    supervisor = await server.agent("admin", "admin123", status="away")
    visitor = await server.visitor()
    words = "我要投诉！衣服洗一次就掉色，客服也不理人"
    sent = await visitor.send(words)
    assert sent["ok"] and sent["status"] == "queued", sent

    # The shop's staff hear of the new record; it starts with the shopper's words.
    complaint = await supervisor.wait_for("complaint")
    assert complaint["matter"] == words
    assert complaint["conversation_id"] == visitor.session["conversation_id"]
    shopper = visitor.session["visitor"]
    assert complaint["visitor"] == {"id": shopper["id"], "name": shopper["name"]}
    assert (complaint["opened_by"], complaint["status"], complaint["level"]) == ("auto", "open", 0)
    assert complaint["level_name"] == "客服" and complaint["agent"] is None
    assert [e["type"] for e in complaint["history"]] == ["opened"]
    assert complaint["history"][0]["by"] == {"type": "bot", "id": None, "name": "系统"}

    # The agent who takes the chat gets the record with it, and may work on it.
    owner = await server.agent(status="online")
    assigned = await owner.wait_for("assigned")
    assert [c["id"] for c in assigned["complaints"]] == [complaint["id"]]
    update = await owner.call(
        "complaint_update",
        {"complaint_id": complaint["id"], "demand_kind": "refund", "handling": "已致歉，核实订单"},
    )
    assert update["ok"], update
    assert update["complaint"]["agent"] == {"id": owner.agent["id"], "name": "小美"}
    assert update["complaint"]["demand"]["kind_name"] == "退款"

    # Complaining again in the same chat, once it is closed and the complaint hands it to a
    # person again, does not open a second record while the first is open.
    closed = await owner.call("close", {"conversation_id": complaint["conversation_id"]})
    assert closed == {"ok": True}
    await visitor.wait_for("closed")
    again_sent = await visitor.send("我要投诉，还要给差评")
    assert again_sent["ok"] and again_sent["status"] == "queued", again_sent
    await server.settle()
    stored, _events = await _stored(server)
    assert len(stored) == 1
    assert "complaint_opened" in await _event_types(server, complaint["conversation_id"])
    # The shopper's widget never carries the record, now or after a reload.
    again = await server.visitor(token=visitor.session["token"])
    for shopper in (visitor, again):
        assert "已致歉" not in _seen(shopper)
        assert shopper.received("complaint") == []
    assert "complaints" not in again.session


async def test_escalation_alerts_the_shops_supervisors_and_nobody_else(server: LiveServer) -> None:
    await server.add_agent("zhuguan", "王主管", role="supervisor")
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-boss", "外店主管", shop="other", role="supervisor")
    owner = await server.agent(status="online")
    supervisor = await server.agent("zhuguan", "secret123", status="away")
    admin = await server.agent("admin", "admin123", status="away")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    outsider = await server.agent("other-boss", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)

    opened = await owner.call(
        "complaint",
        {
            "conversation_id": conversation_id,
            "matter": f" {MATTER} ",
            "demand_kind": "refund",
            "demand_text": "全额退款并补偿运费",
        },
    )
    assert opened["ok"], opened
    complaint = opened["complaint"]
    assert complaint["matter"] == MATTER
    assert complaint["demand"] == {
        "kind": "refund",
        "kind_name": "退款",
        "text": "全额退款并补偿运费",
    }
    assert complaint["agent"] == {"id": owner.agent["id"], "name": "小美"}
    for staff in (supervisor, admin, colleague):
        await staff.wait_for("complaint", lambda c: c["id"] == complaint["id"])

    # The owning agent: one level up, never two, never down.
    skipped = await owner.call("complaint_escalate", {"complaint_id": complaint["id"], "level": 2})
    assert skipped["error"]["code"] == "forbidden"
    up = await owner.call(
        "complaint_escalate",
        {"complaint_id": complaint["id"], "level": 1, "reason": "顾客要求补偿运费，超出权限"},
    )
    assert up["ok"], up
    assert (up["complaint"]["level"], up["complaint"]["level_name"]) == (1, "组长")

    for boss in (supervisor, admin):
        alert = await boss.wait_for("complaint_escalated")
        assert (alert["level"], alert["level_name"], alert["from_level"]) == (1, "组长", 0)
        assert alert["complaint"]["id"] == complaint["id"]
        assert alert["by"] == {"id": owner.agent["id"], "name": "小美"}
        assert alert["reason"] == "顾客要求补偿运费，超出权限"
    down = await owner.call("complaint_escalate", {"complaint_id": complaint["id"], "level": 0})
    assert down["error"]["code"] == "forbidden"

    # A supervisor may skip levels; the agent may no longer settle it alone.
    top = await supervisor.call("complaint_escalate", {"complaint_id": complaint["id"], "level": 3})
    assert top["ok"] and top["complaint"]["level_name"] == "店长", top
    await admin.wait_for("complaint_escalated", lambda a: a["level"] == 3)
    settle = {"complaint_id": complaint["id"], "status": "resolved", "result": "已全额退款"}
    assert (await owner.call("complaint_resolve", settle))["error"]["code"] == "forbidden"
    resolved = await admin.call("complaint_resolve", settle)
    assert resolved["ok"], resolved
    assert (resolved["complaint"]["status"], resolved["complaint"]["result"]) == (
        "resolved",
        "已全额退款",
    )
    again = await supervisor.call(
        "complaint_escalate", {"complaint_id": complaint["id"], "level": 3}
    )
    assert again["error"]["code"] == "forbidden"
    await server.settle()

    # Who did what when, kept.
    history = resolved["complaint"]["history"]
    assert [(e["type"], e["by"]["name"]) for e in history] == [
        ("opened", "小美"),
        ("escalated", "小美"),
        ("escalated", "王主管"),
        ("resolved", "店长"),
    ]
    assert history[2]["data"] == {"from": 1, "to": 3, "reason": ""}
    types = await _event_types(server, conversation_id)
    assert [t for t in types if t.startswith("complaint_")] == [
        "complaint_opened",
        "complaint_escalated",
        "complaint_escalated",
        "complaint_resolved",
    ]
    # A plain agent hears the record change but not the supervisors' alert; another shop and
    # the shopper hear nothing.
    assert colleague.received("complaint_escalated") == []
    assert colleague.received("complaint")[-1]["status"] == "resolved"
    assert outsider.received("complaint") == [] and outsider.received("complaint_escalated") == []
    assert MATTER not in json.dumps(outsider.events, ensure_ascii=False)
    assert MATTER not in _seen(visitor) and "组长" not in _seen(visitor)
    assert visitor.received("complaint") == [] and visitor.received("complaint_escalated") == []


async def test_bad_input_gets_the_contracts_error_and_stores_nothing(server: LiveServer) -> None:
    await server.add_agent("xiaowang", "小王")
    await server.add_agent("other-boss", "外店主管", shop="other", role="supervisor")
    owner = await server.agent(status="online")
    colleague = await server.agent("xiaowang", "secret123", status="away")
    outsider = await server.agent("other-boss", "secret123", status="online")
    visitor, conversation_id = await _chat_with(server, owner)
    opened = await owner.call("complaint", {"conversation_id": conversation_id, "matter": MATTER})
    assert opened["ok"], opened
    complaint_id = opened["complaint"]["id"]
    before = await _stored(server)

    refused: list[tuple[AgentClient | Visitor, str, Any, str]] = [
        (owner, "complaint", {"conversation_id": conversation_id, "matter": 42}, "invalid_payload"),
        (
            owner,
            "complaint",
            {"conversation_id": conversation_id, "matter": "差" * 1001},
            "text_too_long",
        ),
        (owner, "complaint", {"conversation_id": conversation_id, "matter": " "}, "empty_text"),
        (
            owner,
            "complaint",
            {"conversation_id": conversation_id, "matter": MATTER, "demand_kind": "money"},
            "invalid_payload",
        ),
        (owner, "complaint", "投诉", "invalid_payload"),
        (
            owner,
            "complaint_escalate",
            {"complaint_id": complaint_id, "level": "1"},
            "invalid_payload",
        ),
        (owner, "complaint_escalate", {"complaint_id": str(complaint_id)}, "invalid_payload"),
        (
            owner,
            "complaint_update",
            {"complaint_id": complaint_id, "handling": ["x"]},
            "invalid_payload",
        ),
        (
            owner,
            "complaint_update",
            {"complaint_id": complaint_id, "handling": "字" * 2001},
            "text_too_long",
        ),
        (
            owner,
            "complaint_resolve",
            {"complaint_id": complaint_id, "status": "done", "result": "好"},
            "invalid_payload",
        ),
        (owner, "complaint_update", {"complaint_id": 10**15, "handling": "x"}, "not_found"),
        # another shop's ids do not exist for them
        (
            outsider,
            "complaint",
            {"conversation_id": conversation_id, "matter": MATTER},
            "not_found",
        ),
        (outsider, "complaint_escalate", {"complaint_id": complaint_id, "level": 1}, "not_found"),
        (
            outsider,
            "complaint_update",
            {"complaint_id": complaint_id, "handling": "改"},
            "not_found",
        ),
        # an agent on a chat that is not theirs
        (
            colleague,
            "complaint",
            {"conversation_id": conversation_id, "matter": MATTER},
            "forbidden",
        ),
        (colleague, "complaint_escalate", {"complaint_id": complaint_id, "level": 1}, "forbidden"),
        (
            colleague,
            "complaint_update",
            {"complaint_id": complaint_id, "handling": "改"},
            "forbidden",
        ),
        (
            colleague,
            "complaint_resolve",
            {"complaint_id": complaint_id, "status": "closed", "result": "撤诉"},
            "forbidden",
        ),
        # the shopper: no such events on /visitor
        (
            visitor,
            "complaint",
            {"conversation_id": conversation_id, "matter": "我自己登记"},
            "invalid_payload",
        ),
        (
            visitor,
            "complaint_escalate",
            {"complaint_id": complaint_id, "level": 3},
            "invalid_payload",
        ),
        (
            visitor,
            "complaint_resolve",
            {"complaint_id": complaint_id, "status": "resolved", "result": "好"},
            "invalid_payload",
        ),
    ]
    for client, event, payload, code in refused:
        ack = await client.call(event, payload)
        assert not ack["ok"] and ack["error"]["code"] == code, (event, payload, ack)
    await server.settle()

    assert await _stored(server) == before
    assert before[0][0][3:7] == ("", "", "open", 0)
    assert owner.received("complaint_escalated") == []
    assert visitor.sio.connected and owner.sio.connected
    # Exactly at the limits is fine.
    ok = await owner.call(
        "complaint_update", {"complaint_id": complaint_id, "handling": "处" * 2000}
    )
    assert ok["ok"] and len(ok["complaint"]["handling"]) == 2000

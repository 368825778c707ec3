"""The audit trail of silent watches over real sockets: one `watch` and one `unwatch` per
socket and chat, and a closing record however the socket ended (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from chatserver.db.models import SupervisionAudit
from tests.conftest import LiveServer
from tests.realtime.supervision_helpers import serving, supervisor_view
from tests.rest import call


async def trail(server: LiveServer) -> list[tuple[str, int, dict[str, object]]]:
    async with server.db.sessions() as session:
        rows = (await session.scalars(select(SupervisionAudit).order_by(SupervisionAudit.id))).all()
    return [(row.action, row.actor_id, row.detail) for row in rows]


async def test_each_socket_audits_its_own_watch_once_and_only_its_own_unwatch(
    server: LiveServer,
) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    boss_id = (await server.login("boss"))["agent"]["id"]
    xiaomei = await server.agent(status="online")
    shopper = await serving(server, xiaomei)
    conversation_id = shopper.session["conversation_id"]
    tab_a, _token = await supervisor_view(server, "boss")
    tab_b, _token = await supervisor_view(server, "boss")
    chat = {"conversation_id": conversation_id}

    # Leaving a chat this tab never watched says nothing in the trail.
    never = await tab_a.call("unwatch", chat)
    assert never["ok"] and never["audit"] is None, never
    assert await trail(server) == []

    # A repeated watch, even two at once, is one watch: the same record each time.
    first, second = await asyncio.gather(tab_a.call("watch", chat), tab_a.call("watch", chat))
    again = await tab_a.call("watch", chat)
    assert first["ok"] and second["ok"] and again["ok"], (first, second, again)
    assert first["audit"]["id"] == second["audit"]["id"] == again["audit"]["id"]
    assert await trail(server) == [("watch", boss_id, {})]

    assert (await tab_b.call("watch", chat))["ok"]
    left = await tab_a.call("unwatch", chat)
    assert left["ok"] and left["audit"]["action"] == "unwatch", left
    assert (await tab_a.call("unwatch", chat))["audit"] is None
    assert [action for action, _by, _detail in await trail(server)] == [
        "watch",
        "watch",
        "unwatch",
    ]

    # Tab B still listens, as the trail says; tab A hears nothing more.
    assert (await shopper.send("还有一个问题"))["ok"]
    assert await tab_b.wait_for("message", lambda m: m["text"] == "还有一个问题")
    await server.settle()
    assert all(m["text"] != "还有一个问题" for m in tab_a.received("message"))


async def test_watches_ended_by_logout_demotion_or_disabling_are_audited(
    server: LiveServer,
) -> None:
    await server.add_agent("boss", "王主管", role="supervisor")
    await server.add_agent("zhao", "赵主管", role="supervisor")
    await server.add_agent("qian", "钱主管", role="supervisor")
    await server.add_agent("head", "孙经理", role="admin")
    xiaomei = await server.agent(status="online")
    shopper = await serving(server, xiaomei)
    chat = {"conversation_id": shopper.session["conversation_id"]}
    admin_view, admin = await supervisor_view(server, "head")

    async def closing_record_of(username: str, end: str) -> dict[str, object]:
        agent_id = (await server.login(username))["agent"]["id"]
        view, token = await supervisor_view(server, username)
        assert (await view.call("watch", chat))["ok"]
        if end == "logout":
            status, _ = await call(server, "POST", "/api/auth/logout", token)
        elif end == "demote":
            status, _ = await call(
                server, "PATCH", f"/api/agents/{agent_id}", admin, {"role": "agent"}
            )
        else:
            status, _ = await call(server, "POST", f"/api/agents/{agent_id}/disable", admin)
        assert status == 200
        return await admin_view.wait_for(
            "audit", lambda a: a["action"] == "unwatch" and a["by"]["id"] == agent_id
        )

    logged_out = await closing_record_of("boss", "logout")
    assert (logged_out["by"], logged_out["detail"]) == (
        {"id": logged_out["by"]["id"], "name": "王主管"},  # type: ignore[index]
        {"reason": "logged_out"},
    )
    demoted = await closing_record_of("zhao", "demote")
    assert demoted["detail"] == {"reason": "role_changed"}
    disabled = await closing_record_of("qian", "disable")
    assert disabled["detail"] == {"reason": "logged_out"}
    assert [action for action, _by, _detail in await trail(server)] == ["watch", "unwatch"] * 3

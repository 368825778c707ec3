"""The admin console's agents and groups over HTTP: admins edit, supervisors read, agents and
other shops are refused; every change is stored."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from chatserver.db.models import Conversation, StaffChange
from tests.conftest import InProcessApp, LiveServer, ServedApp
from tests.realtime.group_helpers import group_ids
from tests.rest import call


async def _tokens(server: ServedApp) -> dict[str, str]:
    await server.add_agent("boss", "主管", role="supervisor")
    await server.add_agent("outsider", "外店管理员", role="admin", shop="other")
    return {
        "admin": (await server.login("admin", "admin123"))["token"],
        "supervisor": (await server.login("boss"))["token"],
        "agent": (await server.login("agent", "agent123"))["token"],
        "other": (await server.login("outsider"))["token"],
    }


async def test_admin_creates_an_agent_in_a_group_who_can_then_log_in(api: InProcessApp) -> None:
    tokens = await _tokens(api)
    groups = await group_ids(api)
    status, made = await call(
        api,
        "POST",
        "/api/agents",
        tokens["admin"],
        {
            "username": "lily",
            "password": "lily-pass1",
            "name": "小丽",
            "role": "agent",
            "group_ids": [groups["售后"]],
            "max_chats": 3,
        },
    )
    assert status == 201, made
    agent = made["agent"]
    assert agent["group_ids"] == [groups["售后"]] and agent["max_chats"] == 3
    assert "password" not in str(agent) and "hash" not in str(agent)
    login = await api.login("lily", "lily-pass1")
    assert login["agent"]["groups"] == [
        {"id": groups["售后"], "name": "售后", "topic": "aftersales"}
    ]

    # Supervisors read the list; agents and other shops cannot.
    status, roster = await call(api, "GET", "/api/agents", tokens["supervisor"])
    assert status == 200 and "lily" in [a["username"] for a in roster["agents"]]
    assert {g["name"] for g in roster["groups"]} == {"售前", "售后"}
    assert (await call(api, "GET", "/api/agents", tokens["agent"]))[0] == 403
    _, foreign = await call(api, "GET", "/api/agents", tokens["other"])
    assert "lily" not in [a["username"] for a in foreign["agents"]]

    # Bad input: a clear code and the field; nothing stored.
    for body, code, field in [
        (
            {"username": "lily", "password": "secret1", "name": "重名", "role": "agent"},
            "conflict",
            "username",
        ),
        (
            {"username": "x y", "password": "secret1", "name": "名", "role": "agent"},
            "invalid_payload",
            "username",
        ),
        (
            {"username": "short", "password": "123", "name": "名", "role": "agent"},
            "invalid_payload",
            "password",
        ),
        (
            {"username": "ok1", "password": "secret1", "name": "", "role": "agent"},
            "empty_text",
            "name",
        ),
        (
            {"username": "ok1", "password": "secret1", "name": "名", "role": "boss"},
            "invalid_payload",
            "role",
        ),
        (
            {
                "username": "ok1",
                "password": "secret1",
                "name": "名",
                "role": "agent",
                "max_chats": 0,
            },
            "invalid_payload",
            "max_chats",
        ),
        (
            {
                "username": "ok1",
                "password": "secret1",
                "name": "名",
                "role": "agent",
                "group_ids": [999999],
            },
            "not_found",
            "group_ids",
        ),
    ]:
        status, error = await call(api, "POST", "/api/agents", tokens["admin"], body)
        assert error["error"]["code"] == code, (body, error)
        assert error["error"].get("field") == field, (body, error)
    assert (await call(api, "POST", "/api/agents", tokens["supervisor"], {}))[0] == 403
    assert (await call(api, "POST", "/api/agents", tokens["agent"], {}))[0] == 403


async def test_role_groups_password_and_disable(server: LiveServer) -> None:
    tokens = await _tokens(server)
    groups = await group_ids(server)
    agent_id = (await server.login("agent", "agent123"))["agent"]["id"]
    path = f"/api/agents/{agent_id}"

    status, changed = await call(
        server,
        "PATCH",
        path,
        tokens["admin"],
        {"role": "supervisor", "group_ids": [groups["售前"]], "max_chats": 8},
    )
    assert status == 200, changed
    assert changed["agent"]["role"] == "supervisor"
    assert changed["agent"]["group_ids"] == [groups["售前"]]
    assert changed["agent"]["max_chats"] == 8
    assert (await call(server, "PATCH", path, tokens["admin"], {}))[0] == 400
    assert (await call(server, "PATCH", path, tokens["supervisor"], {"max_chats": 2}))[0] == 403
    assert (await call(server, "PATCH", path, tokens["agent"], {"max_chats": 2}))[0] == 403
    assert (await call(server, "PATCH", path, tokens["other"], {"max_chats": 2}))[0] == 404
    # The last admin cannot be demoted or disable themselves.
    admin_id = (await server.login("admin", "admin123"))["agent"]["id"]
    status, refused = await call(
        server, "PATCH", f"/api/agents/{admin_id}", tokens["admin"], {"role": "agent"}
    )
    assert status == 409, refused
    assert (await call(server, "POST", f"/api/agents/{admin_id}/disable", tokens["admin"]))[
        0
    ] == 409

    # A password reset ends the agent's sessions and open panels.
    panel = await server.agent(status="online")
    shopper = await server.visitor()
    await shopper.send("转人工")
    conversation_id = (await panel.wait_for("assigned"))["conversation"]["id"]
    status, _ = await call(
        server, "POST", f"{path}/password", tokens["admin"], {"password": "new-secret9"}
    )
    assert status == 200
    assert (await call(server, "GET", "/api/me", panel.token))[0] == 401
    relogin = await server.login("agent", "new-secret9")
    assert (await call(server, "POST", f"{path}/password", tokens["admin"], {"password": "1"}))[
        0
    ] == 400

    # Disabled: cannot log in, sessions revoked, chats back to the queue.
    status, disabled = await call(server, "POST", f"{path}/disable", tokens["admin"])
    assert status == 200 and disabled["agent"]["disabled"] is True
    assert (await call(server, "GET", "/api/me", relogin["token"]))[0] == 401
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/api/auth/login", json={"username": "agent", "password": "new-secret9"}
        ) as response,
    ):
        assert response.status == 401
    async with server.db.sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        assert conversation is not None
        assert conversation.status == "queued" and conversation.agent_id is None
        actions = list(await session.scalars(select(StaffChange.action).order_by(StaffChange.id)))
    assert actions == ["agent_updated", "password_reset", "agent_disabled"]
    status, enabled = await call(server, "POST", f"{path}/enable", tokens["admin"])
    assert status == 200 and enabled["agent"]["disabled"] is False
    assert (await call(server, "POST", f"{path}/disable", tokens["other"]))[0] == 404
    assert (await call(server, "POST", f"{path}/disable", tokens["supervisor"]))[0] == 403
    _, log = await call(server, "GET", "/api/staff-changes", tokens["supervisor"])
    assert [c["action"] for c in log["items"]][:2] == ["agent_enabled", "agent_disabled"]
    await server.add_agent("plain", "小平")
    plain = (await server.login("plain"))["token"]
    assert (await call(server, "GET", "/api/staff-changes", plain))[0] == 403


async def test_groups_create_rename_members_delete(api: InProcessApp) -> None:
    tokens = await _tokens(api)
    groups = await group_ids(api)
    agent_id = (await api.login("agent", "agent123"))["agent"]["id"]

    status, made = await call(
        api, "POST", "/api/groups", tokens["admin"], {"name": "大客户", "member_ids": [agent_id]}
    )
    assert status == 201, made
    vip = made["group"]
    assert vip["name"] == "大客户" and vip["member_ids"] == [agent_id] and vip["topic"] is None
    assert (await call(api, "POST", "/api/groups", tokens["admin"], {"name": "售前"}))[0] == 409
    assert (await call(api, "POST", "/api/groups", tokens["admin"], {}))[0] == 400
    assert (await call(api, "POST", "/api/groups", tokens["supervisor"], {"name": "x"}))[0] == 403
    assert (await call(api, "POST", "/api/groups", tokens["agent"], {"name": "x"}))[0] == 403

    # A topic group can be renamed but not deleted.
    status, renamed = await call(
        api, "PATCH", f"/api/groups/{groups['售后']}", tokens["admin"], {"name": "售后服务"}
    )
    assert status == 200 and renamed["group"]["topic"] == "aftersales"
    assert (await call(api, "DELETE", f"/api/groups/{groups['售后']}", tokens["admin"]))[0] == 409
    other_path = f"/api/groups/{vip['id']}"
    assert (await call(api, "PATCH", other_path, tokens["other"], {"name": "y"}))[0] == 404
    assert (await call(api, "DELETE", other_path, tokens["other"]))[0] == 404
    assert (await call(api, "DELETE", other_path, tokens["supervisor"]))[0] == 403
    assert (await call(api, "DELETE", other_path, tokens["admin"]))[0] == 200
    assert (await call(api, "DELETE", other_path, tokens["admin"]))[0] == 404
    _, roster = await call(api, "GET", "/api/agents", tokens["admin"])
    assert {g["name"] for g in roster["groups"]} == {"售前", "售后服务"}


async def test_team_lists_colleagues_for_the_transfer_picker(server: LiveServer) -> None:
    await server.add_agent("lily", "小丽")
    panel = await server.agent(status="online")
    status, team = await call(server, "GET", "/api/team", panel.token)
    assert status == 200
    by_name = {a["name"]: a for a in team["agents"]}
    assert by_name["小美"]["connected"] is True
    assert by_name["小丽"]["connected"] is False
    assert "username" not in by_name["小丽"]
    assert (await call(server, "GET", "/api/team", None))[0] == 401


async def test_every_change_route_refuses_agents_supervisors_and_other_shops(
    api: InProcessApp,
) -> None:
    tokens = await _tokens(api)
    groups = await group_ids(api)
    agent_id = (await api.login("agent", "agent123"))["agent"]["id"]
    routes = [
        ("PATCH", f"/api/agents/{agent_id}", {"max_chats": 2}),
        ("POST", f"/api/agents/{agent_id}/password", {"password": "whatever1"}),
        ("POST", f"/api/agents/{agent_id}/disable", None),
        ("POST", f"/api/agents/{agent_id}/enable", None),
        ("PATCH", f"/api/groups/{groups['售前']}", {"name": "售前一组"}),
        ("DELETE", f"/api/groups/{groups['售前']}", None),
    ]
    for method, path, body in routes:
        assert (await call(api, method, path, tokens["agent"], body))[0] == 403, path
        assert (await call(api, method, path, tokens["supervisor"], body))[0] == 403, path
        # Another shop's admin: these ids do not exist for them.
        assert (await call(api, method, path, tokens["other"], body))[0] == 404, path
        assert (await call(api, method, path, None, body))[0] == 401, path
    for path in ("/api/agents", "/api/groups"):
        assert (await call(api, "POST", path, tokens["supervisor"], {"name": "x"}))[0] == 403
    # Nothing changed, nothing recorded.
    async with api.db.sessions() as session:
        assert list(await session.scalars(select(StaffChange))) == []
    _, roster = await call(api, "GET", "/api/agents", tokens["admin"])
    me = next(a for a in roster["agents"] if a["id"] == agent_id)
    assert me["max_chats"] == 5 and not me["disabled"]
    assert {g["name"] for g in roster["groups"]} == {"售前", "售后"}

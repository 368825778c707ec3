"""GET /api/complaints: the shop's complaints for supervisors and admins, open ones unless asked
otherwise, filtered by level and status; agents and other shops see none of it."""

from __future__ import annotations

from typing import Any

import aiohttp

from tests.conftest import AgentClient, LiveServer


async def _get(server: LiveServer, path: str, token: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.url + path, headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        return response.status, await response.json(content_type=None)


async def _complaint(server: LiveServer, owner: AgentClient, matter: str) -> dict[str, Any]:
    visitor = await server.visitor()
    await visitor.send("我要转人工")
    assigned = await owner.wait_for(
        "assigned",
        lambda a: a["conversation"]["visitor"]["id"] == visitor.session["visitor"]["id"],
    )
    ack = await owner.call(
        "complaint", {"conversation_id": assigned["conversation"]["id"], "matter": matter}
    )
    assert ack["ok"], ack
    return dict(ack["complaint"])


async def test_the_open_list_for_supervisors(server: LiveServer) -> None:
    await server.add_agent("zhuguan", "王主管", role="supervisor")
    await server.add_agent("other-boss", "外店主管", shop="other", role="supervisor")
    owner = await server.agent(status="online")
    supervisor = await server.agent("zhuguan", "secret123", status="away")
    outsider = await server.agent("other-boss", "secret123", status="away")
    first = await _complaint(server, owner, "快递把外包装压坏了")
    second = await _complaint(server, owner, "发错了颜色")
    third = await _complaint(server, owner, "承诺的赠品没有收到")
    escalate = {"complaint_id": second["id"], "level": 1}
    assert (await owner.call("complaint_escalate", escalate))["ok"]
    settle = {"complaint_id": third["id"], "status": "closed", "result": "顾客找到了赠品，撤回投诉"}
    assert (await owner.call("complaint_resolve", settle))["ok"]

    # Open ones by default: the highest level first, then the oldest.
    status, body = await _get(server, "/api/complaints", supervisor.token)
    assert status == 200, body
    assert [c["id"] for c in body["items"]] == [second["id"], first["id"]]
    top = body["items"][0]
    assert (top["level"], top["level_name"], top["status"]) == (1, "组长", "open")
    assert top["agent"] == {"id": owner.agent["id"], "name": "小美"}
    assert top["visitor"]["name"] and top["created_at"].endswith("Z")

    status, by_level = await _get(server, "/api/complaints?level=0", supervisor.token)
    assert [c["id"] for c in by_level["items"]] == [first["id"]]
    status, closed = await _get(server, "/api/complaints?status=closed", supervisor.token)
    assert [c["id"] for c in closed["items"]] == [third["id"]]
    status, everything = await _get(server, "/api/complaints?status=all", supervisor.token)
    assert {c["id"] for c in everything["items"]} == {first["id"], second["id"], third["id"]}
    # An admin reads it too.
    admin = await server.login("admin", "admin123")
    status, body = await _get(server, "/api/complaints", admin["token"])
    assert status == 200 and len(body["items"]) == 2

    # A plain agent may not; another shop's supervisor sees only their own shop's (none).
    status, body = await _get(server, "/api/complaints", owner.token)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = await _get(server, "/api/complaints?status=all", outsider.token)
    assert status == 200 and body["items"] == []
    # Bad filters are named; no token is 401.
    status, body = await _get(server, "/api/complaints?level=9", supervisor.token)
    assert (status, body["error"]["code"], body["error"]["field"]) == (
        400,
        "invalid_payload",
        "level",
    )
    status, body = await _get(server, "/api/complaints?status=done", supervisor.token)
    assert (status, body["error"]["field"]) == (400, "status")
    status, body = await _get(server, "/api/complaints", "not-a-token")
    assert status == 401


async def _post(server: LiveServer, path: str, token: str, body: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.url + path, headers={"Authorization": f"Bearer {token}"}, json=body
        ) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_a_supervisor_escalates_and_settles_from_the_list(server: LiveServer) -> None:
    await server.add_agent("zhuguan", "王主管", role="supervisor")
    await server.add_agent("other-boss", "外店主管", shop="other", role="supervisor")
    owner = await server.agent(status="online")
    boss = await server.login("zhuguan")
    outsider = await server.login("other-boss")
    admin = await server.agent("admin", "admin123", status="away")
    complaint = await _complaint(server, owner, "客服承诺的退款三天了还没到账")
    path = f"/api/complaints/{complaint['id']}"

    # Refused: a plain agent, another shop, bad input; nothing changes.
    status, body = await _post(server, path + "/escalate", owner.token, {"level": 1})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await _post(server, path + "/escalate", outsider["token"], {"level": 1})
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await _post(server, path + "/escalate", boss["token"], {"level": "3"})
    assert (status, body["error"]["field"]) == (400, "level")
    status, body = await _post(server, path + "/escalate", boss["token"], {"level": 0})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = await _post(server, "/api/complaints/abc/escalate", boss["token"], {"level": 1})
    assert status == 404
    status, body = await _post(server, path + "/resolve", boss["token"], {"status": "resolved"})
    assert (status, body["error"]["field"]) == (400, "result")
    status, body = await _get(server, "/api/complaints", boss["token"])
    assert [(c["level"], c["status"]) for c in body["items"]] == [(0, "open")]

    # A supervisor skips straight to the store manager; supervisors hear of it live.
    status, body = await _post(
        server, path + "/escalate", boss["token"], {"level": 3, "reason": "金额较大"}
    )
    assert status == 200, body
    assert (body["complaint"]["level"], body["complaint"]["level_name"]) == (3, "店长")
    alert = await admin.wait_for("complaint_escalated")
    assert (alert["level_name"], alert["by"]["name"], alert["reason"]) == (
        "店长",
        "王主管",
        "金额较大",
    )
    await owner.wait_for("complaint", lambda c: c["level"] == 3)

    status, body = await _post(
        server, path + "/resolve", boss["token"], {"status": "resolved", "result": "已退款并致歉"}
    )
    assert status == 200 and body["complaint"]["status"] == "resolved", body
    status, body = await _get(server, "/api/complaints", boss["token"])
    assert body["items"] == []

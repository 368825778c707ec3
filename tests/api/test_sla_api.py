"""SLA policies over REST: supervisors read, admins edit the shop's and each group's, bad
input is refused field by field, and what is stored is what the clocks use."""

from __future__ import annotations

from typing import Any

from tests.conftest import InProcessApp


async def _tokens(api: InProcessApp) -> tuple[str, str, str]:
    await api.add_agent("boss", "王主管", role="supervisor")
    agent = (await api.login("agent", "agent123"))["token"]
    supervisor = (await api.login("boss"))["token"]
    admin = (await api.login("admin", "admin123"))["token"]
    return agent, supervisor, admin


async def test_the_defaults_are_the_manuals_numbers_and_only_staff_above_agents_read_them(
    api: InProcessApp,
) -> None:
    agent, supervisor, _admin = await _tokens(api)
    assert (await api.call("GET", "/api/sla/policies", None))[0] == 401
    status, body = await api.call("GET", "/api/sla/policies", agent)
    assert status == 403 and body["error"]["code"] == "forbidden"

    status, page = await api.call("GET", "/api/sla/policies", supervisor)
    assert status == 200
    assert page["shop"] == {
        "first_response_s": 60,
        "next_response_s": 60,
        "resolution_s": 48 * 3600,
        "warn_percent": 75,
        "business_hours_only": False,
        "reassign_after_s": None,
        "custom": False,
    }
    by_topic = {g["group"]["topic"]: g for g in page["groups"]}
    assert by_topic["aftersales"]["policy"]["first_response_s"] == 300
    assert by_topic["aftersales"]["custom"] is False
    assert by_topic["presales"]["policy"]["first_response_s"] == 60


async def test_admins_edit_the_shop_policy_and_supervisors_may_not(api: InProcessApp) -> None:
    agent, supervisor, admin = await _tokens(api)
    change = {"first_response_s": 90, "warn_percent": 80, "reassign_after_s": 120}
    for token in (agent, supervisor):
        status, body = await api.call("PUT", "/api/sla/policies/shop", token, change)
        assert status == 403 and body["error"]["code"] == "forbidden"
    # Refused before validation: a supervisor learns nothing from a bad body either.
    status, _ = await api.call("PUT", "/api/sla/policies/shop", supervisor, {"x": 1})
    assert status == 403

    status, page = await api.call("PUT", "/api/sla/policies/shop", admin, change)
    assert status == 200, page
    assert page["shop"]["first_response_s"] == 90 and page["shop"]["warn_percent"] == 80
    assert page["shop"]["reassign_after_s"] == 120 and page["shop"]["custom"] is True
    assert page["shop"]["next_response_s"] == 60  # untouched fields keep their value
    # The presales group follows the shop; after-sales keeps its own default.
    by_topic = {g["group"]["topic"]: g for g in page["groups"]}
    assert by_topic["presales"]["policy"]["first_response_s"] == 90
    assert by_topic["aftersales"]["policy"]["first_response_s"] == 300

    # null switches automatic re-assignment off again; leaving it out keeps it.
    _, page = await api.call("PUT", "/api/sla/policies/shop", admin, {"next_response_s": 45})
    assert page["shop"]["reassign_after_s"] == 120
    _, page = await api.call("PUT", "/api/sla/policies/shop", admin, {"reassign_after_s": None})
    assert page["shop"]["reassign_after_s"] is None
    _, read = await api.call("GET", "/api/sla/policies", supervisor)
    assert read["shop"]["next_response_s"] == 45 and read["shop"]["first_response_s"] == 90


async def test_bad_policies_are_refused_with_the_field_at_fault(api: InProcessApp) -> None:
    _agent, _supervisor, admin = await _tokens(api)
    cases: list[tuple[Any, str | None]] = [
        ({"first_response_s": "60"}, "first_response_s"),
        ({"first_response_s": 5}, "first_response_s"),
        ({"next_response_s": 60.5}, "next_response_s"),
        ({"next_response_s": True}, "next_response_s"),
        ({"resolution_s": 10**12}, "resolution_s"),
        ({"warn_percent": 100}, "warn_percent"),
        ({"business_hours_only": "yes"}, "business_hours_only"),
        ({"reassign_after_s": 5}, "reassign_after_s"),
        ({"color": "red"}, "color"),
        ({"first_response_s": 3600, "resolution_s": 600}, "resolution_s"),
        ({}, None),
        ([1, 2], None),
    ]
    for body, field in cases:
        status, answer = await api.call("PUT", "/api/sla/policies/shop", admin, body)
        assert status == 400, (body, answer)
        assert answer["error"]["code"] == "invalid_payload"
        assert answer["error"].get("field") == field, (body, answer)
    _, page = await api.call("GET", "/api/sla/policies", admin)
    assert page["shop"]["custom"] is False  # nothing half-written


async def test_a_group_gets_its_own_policy_and_can_return_to_the_defaults(
    api: InProcessApp,
) -> None:
    _agent, supervisor, admin = await _tokens(api)
    _, page = await api.call("GET", "/api/sla/policies", admin)
    aftersales = next(g for g in page["groups"] if g["group"]["topic"] == "aftersales")
    path = f"/api/sla/policies/groups/{aftersales['group']['id']}"

    status, _ = await api.call("PUT", path, supervisor, {"first_response_s": 120})
    assert status == 403
    status, answer = await api.call("PUT", path, admin, {"reassign_after_s": 60})
    assert status == 400 and answer["error"]["field"] == "reassign_after_s"

    status, page = await api.call(
        "PUT", path, admin, {"first_response_s": 120, "business_hours_only": True}
    )
    assert status == 200
    mine = next(g for g in page["groups"] if g["group"]["id"] == aftersales["group"]["id"])
    assert mine["custom"] is True
    assert mine["policy"]["first_response_s"] == 120
    assert mine["policy"]["next_response_s"] == 300  # from the group's default
    assert mine["policy"]["business_hours_only"] is True

    status, page = await api.call("DELETE", path, admin)
    assert status == 200
    mine = next(g for g in page["groups"] if g["group"]["id"] == aftersales["group"]["id"])
    assert mine["custom"] is False and mine["policy"]["first_response_s"] == 300

    for bad in ("/api/sla/policies/groups/999999", "/api/sla/policies/groups/abc"):
        status, answer = await api.call("PUT", bad, admin, {"first_response_s": 120})
        assert status == 404 and answer["error"]["code"] == "not_found"


async def test_another_shops_group_does_not_exist_for_this_admin(api: InProcessApp) -> None:
    await api.add_agent("other-admin", "别家管理员", shop="other", role="admin")
    other = (await api.login("other-admin"))["token"]
    _, page = await api.call(
        "GET", "/api/sla/policies", (await api.login("admin", "admin123"))["token"]
    )
    group_id = page["groups"][0]["group"]["id"]
    status, answer = await api.call(
        "PUT", f"/api/sla/policies/groups/{group_id}", other, {"first_response_s": 120}
    )
    assert status == 404 and answer["error"]["code"] == "not_found"
    status, answer = await api.call("DELETE", f"/api/sla/policies/groups/{group_id}", other)
    assert status == 404

"""Pre-chat fields and the proactive invitation: off by default, admins change them, the
widget hears them in `session`, and required fields are asked before the first message."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import socketio

from tests.conftest import LiveServer
from tests.rest import call

SETTINGS: dict[str, Any] = {
    "prechat": {"name": "optional", "phone": "required", "order_no": "off"},
    "invite": {"enabled": True, "delay_seconds": 5, "text": "您好，需要帮您挑选尺码吗？"},
}


async def test_off_by_default_and_only_admins_change_them(server: LiveServer) -> None:
    agent = (await server.login("agent", "agent123"))["token"]
    admin = (await server.login("admin", "admin123"))["token"]
    status, shown = await call(server, "GET", "/api/shop/widget-settings", agent)
    assert status == 200
    assert shown["settings"]["invite"]["enabled"] is False
    assert set(shown["settings"]["prechat"].values()) == {"off"}
    visitor = await server.visitor()
    assert visitor.session["widget"]["invite"]["enabled"] is False
    assert (await visitor.send("你好"))["ok"]  # nothing asked first

    status, refused = await call(server, "PUT", "/api/shop/widget-settings", agent, SETTINGS)
    assert status == 403 and refused["error"]["code"] == "forbidden"
    status, saved = await call(server, "PUT", "/api/shop/widget-settings", admin, SETTINGS)
    assert status == 200 and saved["settings"] == SETTINGS
    fresh = await server.visitor()
    assert fresh.session["widget"] == SETTINGS and fresh.session["prechat_done"] is False


async def test_bad_settings_name_the_field(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    cases = [
        ({**SETTINGS, "prechat": {"phone": "maybe"}}, "prechat.phone"),
        (
            {**SETTINGS, "invite": {**SETTINGS["invite"], "delay_seconds": 0}},
            "invite.delay_seconds",
        ),
        (
            {**SETTINGS, "invite": {**SETTINGS["invite"], "delay_seconds": "5"}},
            "invite.delay_seconds",
        ),
        ({**SETTINGS, "invite": {**SETTINGS["invite"], "enabled": "yes"}}, "invite.enabled"),
        ({**SETTINGS, "invite": {**SETTINGS["invite"], "text": "请" * 101}}, "invite.text"),
        ({"invite": SETTINGS["invite"]}, "prechat"),
    ]
    for body, field in cases:
        status, refused = await call(server, "PUT", "/api/shop/widget-settings", admin, body)
        assert status == 400 and refused["error"]["field"] == field, (body, refused)


async def test_required_prechat_fields_come_before_the_first_message(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    status, _ = await call(server, "PUT", "/api/shop/widget-settings", admin, SETTINGS)
    assert status == 200
    visitor = await server.visitor()

    refused = await visitor.send("这件有 M 码吗")
    assert not refused["ok"] and refused["error"]["code"] == "prechat_required"
    missing = await visitor.call("prechat", {"name": "陈女士"})
    assert not missing["ok"] and missing["error"]["field"] == "phone"
    bad = await visitor.call("prechat", {"phone": "电话"})
    assert not bad["ok"] and bad["error"]["field"] == "phone"

    ack = await visitor.call(
        "prechat", {"name": "陈女士", "phone": "13800001111", "order_no": "X1"}
    )
    assert ack["ok"] and ack["prechat"] == {"name": "陈女士", "phone": "13800001111"}
    assert (await visitor.send("这件有 M 码吗"))["ok"]

    # The agent sees who asked, and what they gave.
    agent = await server.agent(status="online")
    await visitor.send("转人工")
    brief = (await agent.wait_for("assigned"))["conversation"]["visitor"]
    assert brief["name"] == "陈女士"
    assert brief["context"]["prechat"]["phone"] == "13800001111"
    again = await server.visitor(token=visitor.session["token"])
    assert again.session["prechat_done"] is True


async def test_the_loader_reads_only_the_invitation_without_logging_in(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    await call(server, "PUT", "/api/shop/widget-settings", admin, SETTINGS)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.url}/api/widget/config?shop=demo") as response,
    ):
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert await response.json() == {"invite": SETTINGS["invite"]}  # no pre-chat, no secret
    status, missing = await call(server, "GET", "/api/widget/config?shop=nope")
    assert status == 404 and missing["error"]["code"] == "not_found"


async def test_a_shop_made_of_control_characters_is_not_found_and_none_means_the_demo_shop(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    await call(server, "PUT", "/api/shop/widget-settings", admin, SETTINGS)
    for shop in ("%00", "demo%00", "%1b%5b31m"):
        status, body = await call(server, "GET", f"/api/widget/config?shop={shop}")
        assert status == 404 and body["error"]["code"] == "not_found", (shop, body)
    status, body = await call(server, "GET", "/api/widget/config")
    assert status == 200 and body == {"invite": SETTINGS["invite"]}
    # The widget's socket refuses the same shop names the same way.
    client = socketio.AsyncClient(reconnection=False)
    refusals: list[Any] = []
    client.on("connect_error", refusals.append, namespace="/visitor")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(
            server.url,
            namespaces=["/visitor"],
            auth={"shop": "demo\x00"},
            transports=["websocket"],
            wait_timeout=5,
        )
    assert refusals and "not_found" in str(refusals[0]), refusals


async def test_a_field_required_after_the_shopper_answered_is_asked_for(
    server: LiveServer,
) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    await call(server, "PUT", "/api/shop/widget-settings", admin, SETTINGS)
    visitor = await server.visitor()
    assert (await visitor.call("prechat", {"phone": "13800001111"}))["ok"]
    assert (await visitor.send("在吗"))["ok"]

    stricter = {**SETTINGS, "prechat": {**SETTINGS["prechat"], "order_no": "required"}}
    status, _ = await call(server, "PUT", "/api/shop/widget-settings", admin, stricter)
    assert status == 200
    refused = await visitor.send("订单什么时候发货")
    assert not refused["ok"] and refused["error"]["code"] == "prechat_required"
    again = await server.visitor(token=visitor.session["token"])
    assert again.session["prechat_done"] is False
    answered = {"phone": "13800001111", "order_no": "SO-20261130"}
    assert (await visitor.call("prechat", answered))["ok"]
    assert (await visitor.send("订单什么时候发货"))["ok"]

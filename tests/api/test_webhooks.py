"""Webhooks end to end: a real receiver on a local port, signatures verified as a receiver
would, retries after a 500, the outbox surviving a restart, two processes sending each row
once, and private addresses refused without CHATSERVER_WEBHOOKS_ALLOW_PRIVATE."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chatserver.db.models import Conversation, utcnow
from tests.conftest import LiveServer, running_server
from tests.rest import call
from tests.statements import statements
from tests.webhook_receiver import Receiver, verify

FAST = {
    "CHATSERVER_WEBHOOKS_ALLOW_PRIVATE": "1",
    "CHATSERVER_WEBHOOK_RETRY_SECONDS": "0.05",
    "CHATSERVER_WEBHOOK_POLL_SECONDS": "0.05",
}


async def admin_token(server: LiveServer) -> str:
    return str((await server.login("admin", "admin123"))["token"])


async def add_endpoint(server: LiveServer, token: str, url: str, events: list[str]) -> Any:
    status, body = await call(
        server, "POST", "/api/webhooks", token, {"url": url, "events": events}
    )
    assert status == 200, body
    return body["endpoint"]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    """Await a condition on stored state (the delivery log), checking every 50 ms."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def log_of(server: LiveServer, token: str) -> list[dict[str, Any]]:
    status, body = await call(server, "GET", "/api/webhooks/deliveries", token)
    assert status == 200, body
    return list(body["items"])


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hooks = Receiver()
    await hooks.start()
    yield hooks
    await hooks.stop()


async def test_subscribed_facts_arrive_signed_and_others_do_not(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    async with running_server(database_url, tmp_path, **FAST) as server:
        token = await admin_token(server)
        endpoint = await add_endpoint(
            server, token, receiver.url, ["conversation.created", "message.created"]
        )
        visitor = await server.visitor()
        await visitor.send("发什么快递？")
        await visitor.wait_for("message", lambda m: m["sender"] == "bot")
        await visitor.call("handoff")  # conversation.queued: not subscribed
        await server.settle()
        await receiver.wait_until(lambda: len(receiver.of_type("message.created")) >= 2)
        conversation_id = visitor.session["conversation_id"]
        async with server.db.sessions() as session:
            shop_id = (await session.get_one(Conversation, conversation_id)).shop_id

        created = receiver.of_type("conversation.created")
        assert [r.event["data"]["conversation_id"] for r in created] == [conversation_id]
        texts = [r.event["data"]["message"]["text"] for r in receiver.of_type("message.created")]
        assert texts[0] == "发什么快递？"
        assert any("快递" in text for text in texts[1:])  # the bot's answer
        for received in receiver.requests:
            assert verify(received, endpoint["secret"])
            assert not verify(received, "whsec_another-endpoints-secret")
            assert received.headers["X-Chatserver-Event-Id"] == received.event["id"]
            assert received.headers["X-Chatserver-Event"] == received.event["type"]
            assert received.event["shop_id"] == shop_id
        assert receiver.of_type("conversation.queued") == []
        log = await log_of(server, token)
        assert {entry["status"] for entry in log} == {"delivered"}


async def test_endpoints_subscribed_to_one_fact_get_it_with_one_event_id(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    other = Receiver()
    await other.start()
    try:
        async with running_server(database_url, tmp_path, **FAST) as server:
            token = await admin_token(server)
            await add_endpoint(server, token, receiver.url, ["message.created"])
            await add_endpoint(server, token, other.url + "/crm", ["message.created"])
            visitor = await server.visitor()
            await visitor.send("在吗？想问下尺码")
            await server.settle()

            def shoppers_line(hooks: Receiver) -> list[dict[str, Any]]:
                return [
                    r.event
                    for r in hooks.of_type("message.created")
                    if r.event["data"]["message"]["text"] == "在吗？想问下尺码"
                ]

            for hooks in (receiver, other):
                await hooks.wait_until(lambda h=hooks: len(shoppers_line(h)) >= 1)
            # The same fact, stamped once for both: one event id, one time.
            assert shoppers_line(receiver) == shoppers_line(other)
    finally:
        await other.stop()


async def test_a_failed_delivery_is_retried_with_the_same_event_id(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    receiver.answers = [500, 502]
    async with running_server(database_url, tmp_path, **FAST) as server:
        token = await admin_token(server)
        endpoint = await add_endpoint(server, token, receiver.url, ["message.created"])
        status, body = await call(server, "POST", f"/api/webhooks/{endpoint['id']}/test", token)
        assert status == 200 and body["delivery"]["event_type"] == "webhook.test"
        await receiver.wait_until(lambda: len(receiver.requests) >= 3)

        ids = {r.headers["X-Chatserver-Event-Id"] for r in receiver.requests}
        assert len(ids) == 1 and len(receiver.requests) == 3

        async def delivered() -> bool:
            return (await log_of(server, token))[0]["status"] == "delivered"

        await eventually(delivered)
        entry = (await log_of(server, token))[0]
        assert entry["attempts"] == 3 and entry["response_status"] == 200
        assert entry["response_body"] == "收到"


async def test_a_delivery_that_keeps_failing_is_marked_failed_after_a_day(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    receiver.default = 500
    async with running_server(database_url, tmp_path, **FAST) as server:
        token = await admin_token(server)
        endpoint = await add_endpoint(server, token, receiver.url, ["message.created"])
        await call(server, "POST", f"/api/webhooks/{endpoint['id']}/test", token)
        await receiver.wait_until(lambda: len(receiver.requests) >= 2)
        # A day later (the sender's clock), the next failure is the last.
        sender = server.parts.webhook_sender
        sender.clock = lambda: utcnow() + timedelta(days=1, seconds=1)
        sender.kick()

        async def failed() -> bool:
            return (await log_of(server, token))[0]["status"] == "failed"

        await eventually(failed)
        entry = (await log_of(server, token))[0]
        assert entry["attempts"] >= 3 and entry["attempts"] == len(receiver.requests)
        assert entry["response_status"] == 500 and entry["response_body"] == "出错了"
        assert entry["next_attempt_at"] is None


async def test_pending_deliveries_survive_a_restart(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    receiver.default = 503
    # The first retry an hour out: when the server stops, the row is certainly still pending.
    slow_retry = {**FAST, "CHATSERVER_WEBHOOK_RETRY_SECONDS": "3600"}
    async with running_server(database_url, tmp_path, **slow_retry) as server:
        token = await admin_token(server)
        endpoint = await add_endpoint(server, token, receiver.url, ["message.created"])
        visitor = await server.visitor()
        await visitor.send("在吗")
        await server.settle()  # the bot's answer is stored (and queued) too

        async def all_tried() -> bool:
            log = await log_of(server, token)
            return len(log) >= 2 and all(entry["attempts"] == 1 for entry in log)

        await eventually(all_tried)
        log = await log_of(server, token)
        assert all(entry["status"] == "pending" for entry in log)
        pending_ids = {entry["event_id"] for entry in log}
    # Stopped with rows pending; the receiver recovers; a new process, its clock driven past
    # the retry time, delivers them.
    receiver.default = 200
    before = len(receiver.requests)
    later = utcnow() + timedelta(hours=2)
    async with running_server(database_url, tmp_path, **slow_retry) as server:
        server.parts.webhook_sender.clock = lambda: later
        server.parts.webhook_sender.kick()
        token = await admin_token(server)

        async def all_delivered() -> bool:
            return {e["status"] for e in await log_of(server, token)} == {"delivered"}

        await eventually(all_delivered)
    resent = receiver.requests[before:]
    assert {r.headers["X-Chatserver-Event-Id"] for r in resent} == pending_ids
    assert all(verify(r, endpoint["secret"], now=later.timestamp()) for r in resent)


async def test_two_processes_send_each_row_once(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    shared = {**FAST, "SECRET_KEY": "one-key-for-both-processes"}
    async with (
        running_server(database_url, tmp_path / "a", **shared) as first,
        running_server(database_url, tmp_path / "b", **shared) as second,
    ):
        token = await admin_token(first)
        endpoint = await add_endpoint(first, token, receiver.url, ["message.created"])
        sends = [
            call(server, "POST", f"/api/webhooks/{endpoint['id']}/test", token)
            for server in (first, second) * 6
        ]
        results = await asyncio.gather(*sends)
        assert all(status == 200 for status, _ in results), results

        async def all_delivered() -> bool:
            log = await log_of(first, token)
            return len(log) == 12 and {e["status"] for e in log} == {"delivered"}

        await eventually(all_delivered)
        ids = [r.headers["X-Chatserver-Event-Id"] for r in receiver.requests]
        assert len(ids) == 12 and len(set(ids)) == 12
        assert all(e["attempts"] == 1 for e in await log_of(first, token))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hooks",
        "http://localhost:{port}/hooks",
        "http://[::1]:{port}/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.1.10/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:{port}/hooks",
    ],
)
async def test_private_addresses_are_refused_without_the_setting(
    server: LiveServer, receiver: Receiver, url: str
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    token = await admin_token(server)
    status, body = await call(
        server,
        "POST",
        "/api/webhooks",
        token,
        {"url": url.format(port=port), "events": ["message.created"]},
    )
    assert status == 400, body
    assert body["error"]["code"] == "invalid_payload" and body["error"]["field"] == "url"


async def test_a_stored_private_endpoint_is_never_sent_to(
    server: LiveServer, receiver: Receiver
) -> None:
    """An endpoint stored while allowed (or a name that later resolves to a private address):
    the sender checks again at every connection and sends nothing."""
    from sqlalchemy import select

    from chatserver.db.models import Shop, WebhookEndpoint

    async with server.db.transaction() as tx:
        shop = await tx.session.scalar(select(Shop).where(Shop.slug == "demo"))
        assert shop is not None
        for url in (receiver.url, receiver.url.replace("127.0.0.1", "localhost")):
            tx.session.add(
                WebhookEndpoint(shop_id=shop.id, url=url, events=["message.created"], secret="s")
            )
    token = await admin_token(server)
    visitor = await server.visitor()
    await visitor.send("在吗")
    server.parts.webhook_sender.kick()

    async def attempted() -> bool:
        log = await log_of(server, token)
        return len(log) >= 2 and all(e["attempts"] >= 1 for e in log)

    await eventually(attempted)
    assert receiver.requests == []
    for entry in await log_of(server, token):
        assert entry["status"] == "pending" and "公网" in entry["error"]


async def test_only_admins_manage_webhooks_and_keys(server: LiveServer) -> None:
    agent = str((await server.login("agent", "agent123"))["token"])
    for method, path in (
        ("GET", "/api/webhooks"),
        ("POST", "/api/webhooks"),
        ("GET", "/api/webhooks/deliveries"),
        ("GET", "/api/api-keys"),
        ("POST", "/api/api-keys"),
    ):
        body = {"url": "https://example.com/", "events": ["message.created"]}
        status, answer = await call(server, method, path, agent, body)
        assert status == 403, (path, answer)
    assert (await call(server, "GET", "/api/webhooks"))[0] == 401


async def test_a_disabled_endpoint_hears_nothing_until_enabled_again(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    async with running_server(database_url, tmp_path, **FAST) as server:
        token = await admin_token(server)
        endpoint = await add_endpoint(server, token, receiver.url, ["message.created"])
        path = f"/api/webhooks/{endpoint['id']}"
        status, body = await call(server, "PUT", path, token, {"enabled": False})
        assert status == 200 and body["endpoint"]["enabled"] is False
        visitor = await server.visitor()
        await visitor.send("在吗")
        await server.settle()
        assert await log_of(server, token) == []

        status, body = await call(
            server, "PUT", path, token, {"enabled": True, "events": ["conversation.queued"]}
        )
        assert status == 200 and body["endpoint"]["events"] == ["conversation.queued"]
        await visitor.send("好的")  # message.created: no longer subscribed
        await visitor.call("handoff")
        await receiver.wait_until(lambda: len(receiver.requests) >= 1)
        await server.settle()
        assert [r.event["type"] for r in receiver.requests] == ["conversation.queued"]
        bad = await call(server, "PUT", path, token, {"events": ["order.paid"]})
        assert bad[0] == 400 and bad[1]["error"]["field"] == "events"

        # A retry already pending waits while the endpoint is disabled. The sender's clock is
        # held a minute ahead, so the retry (50 ms after the failure) is due only once it moves.
        sender = server.parts.webhook_sender
        held = utcnow() + timedelta(minutes=1)
        sender.clock = lambda: held
        receiver.answers = [500]
        await call(server, "POST", f"{path}/test", token)

        async def retry_pending() -> bool:
            entry = (await log_of(server, token))[0]
            return (entry["status"], entry["attempts"]) == ("pending", 1)

        await eventually(retry_pending)
        tried = len(receiver.requests)
        assert (await call(server, "PUT", path, token, {"enabled": False}))[0] == 200
        sender.clock = lambda: held + timedelta(hours=1)
        assert await sender.run_once() == 0
        await asyncio.sleep(0.3)  # several of the sender's 50 ms rounds
        assert len(receiver.requests) == tried and await retry_pending()
        # Enabled again, it is sent.
        assert (await call(server, "PUT", path, token, {"enabled": True}))[0] == 200

        async def delivered() -> bool:
            return (await log_of(server, token))[0]["status"] == "delivered"

        await eventually(delivered)
        assert len(receiver.requests) == tried + 1
        status, _ = await call(server, "DELETE", path, token)
        assert status == 200 and (await call(server, "GET", "/api/webhooks", token))[1] == {
            "items": []
        }


async def test_the_sender_is_woken_only_by_a_commit_that_queued_a_delivery(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    # Polling once a minute: only a wake-up after the commit can deliver within seconds.
    slow_poll = FAST | {"CHATSERVER_WEBHOOK_POLL_SECONDS": "60"}
    async with running_server(database_url, tmp_path, **slow_poll) as server:
        sender = server.parts.webhook_sender
        kicks: list[None] = []
        kick = sender.kick
        sender.kick = lambda: (kicks.append(None), kick())[1]  # type: ignore[method-assign]
        visitor = await server.visitor()
        await visitor.send("发什么快递？")
        await visitor.wait_for("message", lambda m: m["sender"] == "bot")
        await server.settle()
        # No endpoint: the commits queued nothing, so the worker was left asleep.
        assert kicks == []

        token = await admin_token(server)
        await add_endpoint(server, token, receiver.url, ["message.created"])
        kicks.clear()  # adding an endpoint wakes it too (a "send test" may follow)
        await visitor.send("可以开发票吗？")
        await receiver.wait_until(lambda: len(receiver.of_type("message.created")) >= 1)
        assert kicks


async def test_a_shop_without_endpoints_reads_none_at_a_shoppers_commit(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    """The shopper's message asks whether the shop has an endpoint in a read it makes anyway;
    with none, its commit reads no endpoints. One added later is heard at the next message."""
    async with running_server(database_url, tmp_path, **FAST) as server:
        visitor = await server.visitor()
        assert (await visitor.send("转人工"))["status"] == "queued"  # no bot turn from here
        await server.settle()
        with statements(server) as seen:
            assert (await visitor.send("请问发什么快递？"))["ok"]
            await server.settle()
        assert any("INSERT INTO messages" in statement for statement in seen)
        endpoint_reads = [s for s in seen if "FROM webhook_endpoints" in s and "EXISTS" not in s]
        assert endpoint_reads == []

        token = await admin_token(server)
        await add_endpoint(server, token, receiver.url, ["message.created"])
        assert (await visitor.send("可以开发票吗？"))["ok"]
        await receiver.wait_until(lambda: len(receiver.of_type("message.created")) >= 1)
        [heard] = receiver.of_type("message.created")
        assert heard.event["data"]["message"]["text"] == "可以开发票吗？"

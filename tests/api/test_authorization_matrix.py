"""The authorization matrix: every REST route of the router and every Socket.IO event of every
namespace, checked against tests/api/authorization_table.py over real HTTP and Socket.IO
clients (SQLite and PostgreSQL). Anonymous callers get 401, too low a role 403 (or the event's
`forbidden`), another shop's ids 404 / `not_found`; and a route or event missing from the
table fails the run, so nothing new goes out undeclared."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import socketio
from sqlalchemy import select

from chatserver.api.routes import ROUTES
from chatserver.app import SIO_KEY, build_app
from chatserver.config import load_settings
from chatserver.db.models import (
    Agent,
    Conversation,
    FaqEntry,
    FaqProposal,
    Group,
    Phrase,
    ShiftHandover,
    WebhookEndpoint,
)
from chatserver.realtime.server import RESERVED_EVENTS
from tests.api.authorization_table import EVENTS, REST, STAFF_ORDER, Rule
from tests.conftest import EventClient, LiveServer
from tests.rest import call

NOBODY = 987654321  # an id no table holds: the allowed caller meets not_found, not a refusal


def router_and_namespaces(tmp_path: Path) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    settings = load_settings(
        {
            "CHATSERVER_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        },
        host="127.0.0.1",
        port=0,
    )
    app = build_app(settings)
    routes = set()
    for route in app.router.routes():
        canonical = route.resource.canonical if route.resource else ""
        # aiohttp adds HEAD beside every GET: the GET's rule covers it.
        if route.method == "HEAD" and ("GET", canonical) in {
            (r.method, r.resource.canonical if r.resource else "") for r in app.router.routes()
        }:
            continue
        routes.add((route.method, canonical))
    namespaces = {
        name: {
            attr[3:]
            for attr in dir(handler)
            if attr.startswith("on_") and attr[3:] not in RESERVED_EVENTS
        }
        for name, handler in app[SIO_KEY].namespace_handlers.items()
    }
    return routes, namespaces


def test_every_route_and_event_is_declared(tmp_path: Path) -> None:
    routes, namespaces = router_and_namespaces(tmp_path)
    undeclared = sorted(routes - set(REST))
    assert not undeclared, f"declare who may call these in authorization_table.py: {undeclared}"
    assert not sorted(set(REST) - routes), "the table names routes that no longer exist"
    for namespace, events in namespaces.items():
        declared = set(EVENTS.get(namespace, {}))
        assert events == declared, (namespace, sorted(events ^ declared))


def test_the_openapi_document_declares_the_same_callers_as_this_table(tmp_path: Path) -> None:
    """Two declarations, one written for the router and the document (api/routes.py), one here
    from the rules: they must agree, route by route."""
    settings = load_settings(
        {
            "CHATSERVER_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        },
        host="127.0.0.1",
        port=0,
    )
    app = build_app(settings)
    disagreements = []
    for route in app[ROUTES]:
        rule = REST[(route.method, route.document_path)]
        roles = () if rule.who == "public" else STAFF_ORDER[STAFF_ORDER.index(rule.who) :]
        declared = (route.access.roles, route.access.scope, route.access.visitor)
        expected = (roles, rule.key_scope, rule.shopper)
        if declared != expected:
            disagreements.append((route.method, route.document_path, declared, expected))
    assert not disagreements, disagreements


# ---- the shop whose things the callers reach for -------------------------------------------


@dataclass
class Demo:
    tokens: dict[str, str]  # agent / supervisor / admin of the demo shop; other: another shop's
    ids: dict[str, int]
    keys: dict[str, str]  # API keys: demo with every scope, demo_faq (faq only), other (all)
    visitor_token: str


async def demo_shop(server: LiveServer) -> Demo:
    await server.add_agent("boss", "王主管", role="supervisor")
    await server.add_agent("other", "别家店长", role="admin", shop="other")
    await server.add_agent("other_agent", "别家客服", shop="other")
    tokens = {
        "agent": (await server.login("agent", "agent123"))["token"],
        "supervisor": (await server.login("boss"))["token"],
        "admin": (await server.login("admin", "admin123"))["token"],
        "other": (await server.login("other"))["token"],
        "other_agent": (await server.login("other_agent"))["token"],
    }
    xiaomei = await server.agent(status="online")
    shopper = await server.visitor()
    await shopper.send("转人工")
    conversation_id = shopper.session["conversation_id"]
    await xiaomei.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
    complaint = await xiaomei.call(
        "complaint",
        {"conversation_id": conversation_id, "matter": "衣服破洞", "demand_kind": "refund"},
    )
    assert complaint["ok"], complaint
    rude = await server.visitor()
    await rude.send("转人工")
    rude_id = rude.session["conversation_id"]
    await xiaomei.wait_for("assigned", lambda a: a["conversation"]["id"] == rude_id)
    block = await xiaomei.call("block", {"conversation_id": rude_id, "reason": "辱骂客服"})
    assert block["ok"], block

    keys = {}
    for name, token, scopes in (
        ("demo", tokens["admin"], ["conversations:read", "messages:write", "faq:manage"]),
        ("demo_faq", tokens["admin"], ["faq:manage"]),
        ("other", tokens["other"], ["conversations:read", "messages:write", "faq:manage"]),
    ):
        status, body = await call(
            server, "POST", "/api/api-keys", token, {"name": name, "scopes": scopes}
        )
        assert status == 200, body
        keys[name] = body["secret"]
        if name == "demo":
            key_id = body["key"]["id"]

    async with server.db.transaction() as tx:
        session = tx.session
        conversation = await session.get_one(Conversation, conversation_id)
        shop_id = conversation.shop_id
        faq_id = await session.scalar(select(FaqEntry.id).where(FaqEntry.shop_id == shop_id))
        agent_id = await session.scalar(select(Agent.id).where(Agent.username == "agent"))
        endpoint = WebhookEndpoint(
            shop_id=shop_id, url="https://example.com/hook", events=["message.created"], secret="s"
        )
        summary = ShiftHandover(
            shop_id=shop_id, author_name="小美", text="无", conversation_ids=[], group_ids=[]
        )
        assert faq_id is not None and agent_id is not None
        proposal = FaqProposal(shop_id=shop_id, faq_id=faq_id, text="能开发票吗", agent_name="小美")
        session.add_all([endpoint, summary, proposal])
        await session.flush()
        ids = {
            "conversation_id": conversation_id,
            "visitor_id": conversation.visitor_id,
            "faq_id": faq_id,
            "phrase_id": await session.scalar(select(Phrase.id).where(Phrase.shop_id == shop_id)),
            "group_id": await session.scalar(select(Group.id).where(Group.shop_id == shop_id)),
            "agent_id": agent_id,
            "key_id": key_id,
            "endpoint_id": endpoint.id,
            "summary_id": summary.id,
            "proposal_id": proposal.id,
            "block_id": block["block"]["id"],
            "complaint_id": complaint["complaint"]["id"],
        }
    return Demo(tokens, ids, keys, shopper.session["token"])


def fill(path: str, values: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return "agents" if name == "dimension" else str(values.get(name, NOBODY))

    return re.sub(r"\{([^}]+)\}", one, path)


async def rest(
    server: LiveServer, method: str, path: str, rule: Rule, token: str | None, ids: dict[str, Any]
) -> int:
    url = fill(path, ids) + rule.query.replace("$conversation", str(ids.get("conversation_id")))
    body = None if method == "GET" else (rule.body if rule.body is not None else {})
    status, _body = await call(server, method, url, token, body)
    return status


# ---- REST ----------------------------------------------------------------------------------


async def test_rest_routes_refuse_anonymous_lower_roles_and_other_shops(
    server: LiveServer,
) -> None:
    demo = await demo_shop(server)
    holes = []
    for (method, path), rule in REST.items():
        if rule.who == "public" or not path.startswith("/api/"):
            continue
        # Never the demo's real ids for the refused callers' writes: a hole must not delete.
        nobody: dict[str, Any] = {"conversation_id": demo.ids["conversation_id"]}
        checks: list[tuple[str, str | None, set[int]]] = [("anonymous", None, {401})]
        allowed_from = STAFF_ORDER.index(rule.who)
        for role in STAFF_ORDER[:allowed_from]:
            checks.append((role, demo.tokens[role], {403}))
        if rule.key_scope is not None:
            checks.append(("key without the scope", demo.keys["demo_faq"], {403}))
        else:
            checks.append(("an API key", demo.keys["demo"], {401, 403}))
        for caller, token, expected in checks:
            if rule.key_scope == "faq:manage" and caller == "key without the scope":
                continue  # that key holds faq:manage
            status = await rest(server, method, path, rule, token, nobody)
            if status not in expected:
                holes.append((method, path, caller, status))
        # The lowest allowed role, and a key holding the scope, are let through (whatever
        # the answer about the object).
        allowed = [] if path == "/api/auth/logout" else [(rule.who, demo.tokens[rule.who])]
        if rule.key_scope is not None:
            allowed.append(("a key with the scope", demo.keys["demo"]))
        for caller, token in allowed:
            status = await rest(server, method, path, rule, token, {})
            if status in (401, 403):
                holes.append((method, path, f"{caller} (allowed)", status))
    assert not holes, holes


async def test_rest_routes_hide_another_shops_objects(server: LiveServer) -> None:
    demo = await demo_shop(server)
    holes = []
    for (method, path), rule in REST.items():
        if ("{" not in path and "$conversation" not in rule.query) or rule.who == "public":
            continue
        if path == "/api/reports/{dimension}":
            continue  # a report dimension names no shop's object
        callers = [("other shop's admin", demo.tokens["other"])]
        if rule.key_scope is not None:
            callers.append(("other shop's key", demo.keys["other"]))
        for caller, token in callers:
            status = await rest(server, method, path, rule, token, demo.ids)
            if status not in (403, 404):
                holes.append((method, path, caller, status))
    assert not holes, holes


# ---- Socket.IO -----------------------------------------------------------------------------


async def connect(server: LiveServer, namespace: str, token: str | None) -> EventClient:
    client = EventClient(namespace=namespace)
    await client.connect(server.url, {"token": token} if token else {})
    server.clients.append(client)
    return client


def payload_for(template: dict[str, Any] | None, values: dict[str, int]) -> dict[str, Any]:
    def value(raw: Any) -> Any:
        if isinstance(raw, str) and raw.startswith("$"):
            return values[raw[1:]]
        if isinstance(raw, list):
            return [value(item) for item in raw]
        if isinstance(raw, dict):
            return {k: value(v) for k, v in raw.items()}
        return raw

    payload = value(template or {})
    if "client_id" in payload:
        payload["client_id"] = uuid.uuid4().hex
    return payload


async def test_socket_events_refuse_the_wrong_people(server: LiveServer) -> None:
    demo = await demo_shop(server)
    values = {
        "chat": demo.ids["conversation_id"],
        "complaint": demo.ids["complaint_id"],
        "agent": demo.ids["agent_id"],
        "group": demo.ids["group_id"],
    }
    # Who may not even connect.
    for namespace, token in (
        ("/agent", None),
        ("/agent", "forged-token"),
        ("/agent", demo.keys["demo"]),
        ("/supervisor", None),
        ("/supervisor", demo.tokens["agent"]),
        ("/supervisor", demo.keys["demo"]),
    ):
        with pytest.raises(socketio.exceptions.ConnectionError):
            await connect(server, namespace, token)

    holes = []
    other_agent = await connect(server, "/agent", demo.tokens["other_agent"])
    other_admin = await connect(server, "/agent", demo.tokens["other"])
    other_supervisor = await connect(server, "/supervisor", demo.tokens["other"])
    # Another shop's staff naming the demo shop's chat or complaint: not_found or forbidden.
    for namespace, client in (("/agent", other_agent), ("/agent", other_admin)):
        for event, rule in EVENTS[namespace].items():
            if rule.payload is None:
                continue
            ack = await client.call(event, payload_for(rule.payload, values))
            if ack.get("ok") or ack["error"]["code"] not in ("not_found", "forbidden"):
                holes.append((namespace, event, client is other_admin, ack))
    for event, rule in EVENTS["/supervisor"].items():
        ack = await other_supervisor.call(event, payload_for(rule.payload, values))
        if ack.get("ok") or ack["error"]["code"] not in ("not_found", "forbidden"):
            holes.append(("/supervisor", event, "other shop", ack))
    assert not holes, holes

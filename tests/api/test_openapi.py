"""The OpenAPI 3.1 document: every route of the router is in it and nothing else, it passes a
real OpenAPI checker, and the server serves it and the Swagger UI page from its own origin."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from chatserver.api import static as static_api
from chatserver.api.openapi import build_document
from chatserver.api.routes import ROUTES
from chatserver.app import build_app, build_sio
from chatserver.config import Settings, load_settings
from tests.api.test_photos import assigned_chat, send_photo, upload
from tests.conftest import InProcessApp, LiveServer, ServedApp
from tests.images import png
from tests.rest import call

DIST = Path(__file__).resolve().parents[2] / "widget" / "dist"
METHODS = ("get", "put", "post", "delete", "patch")


def _settings(tmp_path: Path) -> Settings:
    environ = {
        "CHATSERVER_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
    }
    return load_settings(environ, host="127.0.0.1", port=0)


def _pairs(app: web.Application) -> set[tuple[str, str]]:
    """(method, path) of every route, HEAD aside (aiohttp adds it beside each GET)."""
    return {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }


def _not_rest(settings: Settings) -> set[tuple[str, str]]:
    """The front-end pages and Socket.IO's endpoint: the only routes outside the document."""
    bare = web.Application()
    static_api.add_routes(bare)
    build_sio(settings).attach(bare)
    return _pairs(bare)


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    app = build_app(settings)
    routed = _pairs(app) - _not_rest(settings)
    documented = _documented(build_document(app[ROUTES]))
    assert routed - documented == set(), (
        "routes missing from /api/openapi.json: register them as Route(...) values with "
        "chatserver.api.routes.add(app, tag, routes) instead of app.router.add_*"
    )
    assert documented - routed == set(), "documented routes that the server does not have"
    assert len(routed) > 70


def test_the_document_passes_the_openapi_31_checker(tmp_path: Path) -> None:
    document = build_document(build_app(_settings(tmp_path))[ROUTES])
    assert document["openapi"] == "3.1.0"
    errors = [str(error.message) for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    operation_ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_bodies_answers_and_access_come_from_the_declarations(tmp_path: Path) -> None:
    document = build_document(build_app(_settings(tmp_path))[ROUTES])
    schemas = document["components"]["schemas"]
    create_faq = document["paths"]["/api/faq"]["post"]
    # The body is the command the handler parses (commands/catalog.FaqCreate).
    body_ref = create_faq["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schemas[body_ref.rsplit("/", 1)[1]]
    assert {"question", "answer"} <= set(body["required"])
    assert {"similar", "category", "enabled"} <= set(body["properties"])
    # 201 with the saved entry; an editor's errors with the contract's error body.
    answer_ref = create_faq["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert "entry" in schemas[answer_ref.rsplit("/", 1)[1]]["properties"]
    error = create_faq["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorBody")
    assert {"401", "403", "default"} <= set(create_faq["responses"])
    # The FAQ takes a staff session or a key with faq:manage; the key routes say their scope.
    assert create_faq["security"] == [{"session": []}, {"apiKey": []}]
    assert create_faq["x-api-key-scope"] == "faq:manage"
    posting = document["paths"]["/api/integrations/conversations/{conversation_id}/messages"]
    assert posting["post"]["x-api-key-scope"] == "messages:write"
    # Admin-only routes never accept a key; the login is public.
    assert document["paths"]["/api/api-keys"]["post"]["security"] == [{"session": []}]
    assert document["paths"]["/api/auth/login"]["post"]["security"] == []
    # A complaint's id comes from the path, so its body does not ask for it.
    escalate = document["paths"]["/api/complaints/{complaint_id}/escalate"]["post"]
    escalate_body = escalate["requestBody"]["content"]["application/json"]["schema"]
    assert "complaint_id" not in escalate_body["properties"]
    assert escalate_body["required"] == ["level"]
    assert set(document["components"]["securitySchemes"]) == {"session", "apiKey", "visitor"}


async def test_the_server_serves_its_document_and_the_viewer(server: LiveServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{server.url}/api/openapi.json") as response:
            assert response.status == 200
            served = await response.json()
        assert served["openapi"] == "3.1.0"
        assert "/api/integrations/conversations" in served["paths"]
        if not (DIST / "api-docs" / "index.html").is_file():
            pytest.skip("widget/dist is not built (make widget)")
        async with http.get(f"{server.url}/api/docs") as response:
            assert response.status == 200
            page = await response.text()
            policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "接口文档" in page
        assert "/api/docs/swagger-ui-bundle.js" in page
        async with http.get(f"{server.url}/api/docs/swagger-ui-bundle.js") as response:
            assert response.status == 200
            assert "javascript" in response.content_type
        # The viewer's folder only: nothing above it is reachable.
        async with http.get(f"{server.url}/api/docs/..%2F..%2Fpyproject.toml") as response:
            assert response.status == 404


async def test_a_file_name_no_file_system_takes_is_not_found(server: LiveServer) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("/api/docs/", "/assets/", "/widget/"):
            async with http.get(f"{server.url}{path}{'é' * 300}") as response:
                assert response.status == 404, path


def _calls(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation as (method, path with id 1, operation); logging out last."""
    found = [
        (method.upper(), path.replace("{dimension}", "shop"), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    found = [(m, re.sub(r"{\w+}", "1", p), op) for m, p, op in found]
    return sorted(found, key=lambda call: call[1] == "/api/auth/logout")


async def _status(server: ServedApp, call: tuple[str, str, Any], token: str | None) -> int:
    method, path, body = call
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with server.request(method, path, headers=headers, json=body) as response:
        return response.status


async def test_the_declared_access_is_what_the_server_enforces(api: InProcessApp) -> None:
    """Each route refuses exactly whom its declaration says: a plain agent where the roles
    leave agents out (403, before any input is read), a key without the route's scope (403),
    a key on a route that takes only sessions, and no credentials on any but public ones (401)."""
    admin = (await api.login("admin", "admin123"))["token"]
    agent = (await api.login("agent", "agent123"))["token"]
    _, made = await call(
        api, "POST", "/api/api-keys", admin, {"name": "读会话", "scopes": ["conversations:read"]}
    )
    reader_key = made["secret"]
    _, document = await call(api, "GET", "/api/openapi.json")
    refused: dict[str, list[str]] = {"agent": [], "key": [], "nobody": []}
    for method, path, operation in _calls(document):
        roles = operation.get("x-roles", [])
        scope = operation.get("x-api-key-scope")
        request = (method, path, {} if "requestBody" in operation else None)
        where = f"{method} {path}"
        status = await _status(api, request, None)
        if operation["security"]:
            assert status == 401, where
            refused["nobody"].append(where)
        else:  # public; a signed link may still be refused, as documented
            assert status != 401 and (status != 403 or "403" in operation["responses"]), where
        if roles:
            status = await _status(api, request, agent)
            assert (status == 403) is ("agent" not in roles), (where, status)
            if status == 403:
                refused["agent"].append(where)
        if operation["security"]:
            status = await _status(api, request, reader_key)
            if scope == "conversations:read":
                assert status not in (401, 403), (where, status)
            else:
                assert status == (401 if scope is None else 403), (where, status)
                refused["key"].append(where)
    assert "POST /api/faq" in refused["agent"] and "GET /api/faq" not in refused["agent"]
    assert "POST /api/integrations/conversations/1/messages" in refused["key"]
    assert len(refused["nobody"]) > 60


def _schema_of(document: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    """The declared answer of one operation as a standalone JSON schema."""
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    schema = json.loads(
        json.dumps(content["application/json"]["schema"]).replace(
            "#/components/schemas/", "#/$defs/"
        )
    )
    defs = json.loads(
        json.dumps(document["components"]["schemas"]).replace("#/components/schemas/", "#/$defs/")
    )
    return {**schema, "$defs": defs}


async def test_real_answers_match_their_declared_schemas(server: LiveServer) -> None:
    """A chat with a photo and an agent's reply, read through every route that shows it."""
    agent, visitor, conversation_id = await assigned_chat(server)
    uploaded_status, uploaded = await upload(server, png(), visitor=visitor)
    assert (await send_photo(visitor, uploaded["attachment"]["id"]))["ok"]
    assert (await agent.send(conversation_id, "您好，这件衣服有货。"))["ok"]
    await server.settle()
    admin = (await server.login("admin", "admin123"))["token"]
    _, document = await call(server, "GET", "/api/openapi.json")
    detail = await call(server, "GET", f"/api/conversations/{conversation_id}", agent.token)
    visitor_id = detail[1]["conversation"]["visitor"]["id"]
    chat = f"/api/integrations/conversations/{conversation_id}"
    notice = {"client_id": "order-1", "text": "您的订单已发货"}
    answers = [
        ("post", "/api/uploads", uploaded_status, uploaded),
        ("get", "/api/me", *await call(server, "GET", "/api/me", agent.token)),
        ("get", "/api/conversations/{conversation_id}", *detail),
        (
            "get",
            "/api/visitors/{visitor_id}/conversations",
            *await call(server, "GET", f"/api/visitors/{visitor_id}/conversations", agent.token),
        ),
        (
            "get",
            "/api/integrations/conversations",
            *await call(server, "GET", "/api/integrations/conversations", admin),
        ),
        (
            "get",
            "/api/integrations/conversations/{conversation_id}/transcript",
            *await call(server, "GET", f"{chat}/transcript", admin),
        ),
        (
            "post",
            "/api/integrations/conversations/{conversation_id}/messages",
            *await call(server, "POST", f"{chat}/messages", admin, notice),
        ),
        ("get", "/api/faq", *await call(server, "GET", "/api/faq", admin)),
        ("get", "/api/phrases", *await call(server, "GET", "/api/phrases", agent.token)),
    ]
    for method, path, status, answer in answers:
        validator = Draft202012Validator(_schema_of(document, method, path, status))
        assert [error.message for error in validator.iter_errors(answer)] == [], path
    assert [m["kind"] for m in detail[1]["messages"]].count("image") == 1

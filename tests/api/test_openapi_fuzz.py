"""REST fuzzing from the OpenAPI document with schemathesis: requests generated from the served
document (valid ones and, in its negative mode, broken ones) and sent with our own async HTTP
client to a live server, with a real admin session, an API key holding every scope, or
credentials schemathesis made up. No answer is a 5xx; every error has the contract's body and
the status of its code; every success has a documented status and matches the answer's schema.

Bounded: a few derandomized examples per operation and mode, so a run is repeatable and short.
"""

from __future__ import annotations

import json
import os
from typing import Any, get_args
from urllib.parse import quote

import aiohttp
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from chatserver.errors import HTTP_STATUS, ErrorCode
from tests.conftest import LiveServer
from tests.rest import call

# Per operation; FUZZ_EXAMPLES=50 hunts longer by hand (the negative mode gets half).
PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "6"))
EXAMPLES = {GenerationMode.POSITIVE: PER_OPERATION, GenerationMode.NEGATIVE: PER_OPERATION // 2}
# Routes that end the caller's own credentials go last, so they do not cut the others short.
LAST = ("/api/auth/logout", "/api/agents/{agent_id}/password", "/api/agents/{agent_id}/disable")


def _local(schema: Any) -> Any:
    """Component references as the schema's own `$defs`, for a standalone JSON schema."""
    if isinstance(schema, dict):
        return {
            key: (
                value.replace("#/components/schemas/", "#/$defs/")
                if key == "$ref"
                else _local(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_local(item) for item in schema]
    return schema


def _cases(operation: Any) -> list[Any]:
    """Each mode's examples, the same on every run."""
    found: list[Any] = []
    for mode, count in EXAMPLES.items():

        @settings(
            max_examples=count,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(operation.as_strategy(generation_mode=mode))
        def collect(case: Any) -> None:
            found.append(case)

        try:
            collect()
        except Unsatisfiable:
            # Nothing to break: no parameters and no body.
            assert mode is GenerationMode.NEGATIVE, operation.label
    return found


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else json.dumps(value)


def _check_error(where: str, status: int, body: Any) -> None:
    assert isinstance(body, dict) and set(body) == {"error"}, (where, status, body)
    error = body["error"]
    assert error["code"] in get_args(ErrorCode), (where, status, body)
    assert isinstance(error["message"], str) and error["message"].strip(), (where, body)
    assert isinstance(error.get("field", ""), str), (where, body)
    # A route's missing method (405) and an oversized body (413) say invalid_payload.
    if status not in (405, 413):
        assert HTTP_STATUS[error["code"]] == status, (where, status, body)


def _body(case: Any) -> dict[str, Any]:
    """The case's body as aiohttp sends it: JSON, a multipart form, or raw bytes."""
    if isinstance(case.body, NotSet):
        return {}
    if case.media_type == "application/json" and not isinstance(case.body, bytes):
        return {"json": case.body}
    if case.media_type == "multipart/form-data" and isinstance(case.body, dict):
        form = aiohttp.FormData()
        for name, value in case.body.items():
            if not (name.isascii() and name.isprintable()):
                continue  # a part's name goes into a header: aiohttp refuses control characters
            if isinstance(value, bytes):
                form.add_field(name, value, filename="upload.bin")
            else:
                form.add_field(name, _as_text(value))
        return {"data": form}
    data = case.body if isinstance(case.body, bytes) else _as_text(case.body).encode()
    return {
        "data": data,
        "headers": {"Content-Type": case.media_type or "application/octet-stream"},
    }


async def _send(
    http: aiohttp.ClientSession, server: LiveServer, case: Any, index: int, token: str | None
) -> tuple[str, int, str, Any]:
    url = case.operation.path
    for name, value in (case.path_parameters or {}).items():
        # Half the ids are the demo shop's small ones, so real objects are reached too.
        if isinstance(value, int) and not isinstance(value, bool) and index % 2 == 0:
            value = index % 7
        url = url.replace("{" + name + "}", quote(_as_text(value), safe=""))
    generated = (case.headers or {}).get("Authorization")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if (
        token is None
        and isinstance(generated, str)
        and generated.isascii()
        and generated.isprintable()
    ):
        headers = {"Authorization": generated}
    query = {name: _as_text(value) for name, value in (case.query or {}).items()}
    sent = _body(case)
    headers.update(sent.pop("headers", {}))
    async with http.request(
        case.method, server.url + url, params=query, headers=headers, **sent
    ) as response:
        text = (await response.read()).decode("utf-8", "replace")
        where = f"{case.method} {url}?{query} body={str(case.body)[:200]}"
        body = json.loads(text) if response.content_type == "application/json" else None
        return where, response.status, response.content_type, body


def _check_success(
    where: str, operation: dict[str, Any], status: int, content_type: str, body: Any, defs: Any
) -> None:
    documented = operation["responses"][str(status)]["content"]
    assert content_type in documented or "image/*" in documented, (where, content_type)
    schema = documented.get(content_type, {}).get("schema")
    if content_type == "application/json" and schema:
        found = list(Draft202012Validator({**_local(schema), "$defs": defs}).iter_errors(body))
        assert found == [], (where, [error.message for error in found][:3])


async def test_fuzzing_the_rest_api_from_its_document(server: LiveServer) -> None:
    admin = (await server.login("admin", "admin123"))["token"]
    scopes = ["conversations:read", "messages:write", "faq:manage"]
    status, created = await call(
        server, "POST", "/api/api-keys", admin, {"name": "fuzz", "scopes": scopes}
    )
    assert status == 200, created
    key = created["secret"]
    status, document = await call(server, "GET", "/api/openapi.json")
    assert status == 200
    defs = _local(document["components"]["schemas"])
    operations = sorted(
        (result.ok() for result in schemathesis.openapi.from_dict(document).get_all_operations()),
        key=lambda op: (op.path in LAST, op.path, op.method),
    )
    sent = 0
    async with aiohttp.ClientSession() as http:
        for operation in operations:
            declared = document["paths"][operation.path][operation.method.lower()]
            for index, case in enumerate(_cases(operation)):
                # The key where a route takes one; else mostly the admin; a third made-up ones.
                token = [admin, key if "x-api-key-scope" in declared else admin, None][index % 3]
                where, status, content_type, body = await _send(http, server, case, index, token)
                sent += 1
                assert status < 500, (where, status, body)
                if status >= 400:
                    _check_error(where, status, body)
                else:
                    assert str(status) in declared["responses"], (where, status)
                    _check_success(where, declared, status, content_type, body, defs)
            await server.settle()
    assert sent > 8 * len(operations)

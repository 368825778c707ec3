"""The OpenAPI 3.1 document of the REST API, generated from the route declarations
(api/routes.py) and the pydantic models they name, and the Swagger UI page that shows it.

`GET /api/openapi.json` is the document; `GET /api/docs` the viewer, built into
widget/dist/api-docs by `make widget` (widget/scripts/copy-api-docs.mjs) and served from our own
origin under the same CSP as the other pages.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema

from chatserver import __version__
from chatserver.api.routes import (
    FILE_TYPES,
    PUBLIC,
    ROUTES,
    Access,
    Handler,
    JsonSchema,
    Route,
    add,
)
from chatserver.api.static import APP_CSP, DIST, resolve_in
from chatserver.errors import HTTP_STATUS, ErrorCode
from chatserver.views.schemas import ErrorBody

REF = "#/components/schemas/{model}"
ID_SCHEMA: JsonSchema = {"type": "integer", "minimum": 0}
ROLE_NAMES = {"agent": "客服", "supervisor": "主管", "admin": "管理员"}
SECURITY_SCHEMES: JsonSchema = {
    "session": {
        "type": "http",
        "scheme": "bearer",
        "description": "客服、主管或管理员的登录令牌（`POST /api/auth/login` 返回的 `token`）",
    },
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "csk_…",
        "description": "店铺的 API 密钥（管理后台「集成」中创建），按范围授权",
    },
    "visitor": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "顾客聊天窗口的会话：`Visitor <token>`（/visitor 会话的 token）",
    },
}


class CommandSchema(GenerateJsonSchema):
    """Commands read an absent field as None (commands/base.py): that is "may be left out",
    not a default the field's own type would refuse."""

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchema:
        result = super().default_schema(schema)
        if result.get("default", ...) is None and not _allows_null(result):
            del result["default"]
        return result


def _allows_null(schema: JsonSchema) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "null" for option in options)


def _access_text(access: Access) -> str:
    if access.public:
        return "公开，无需登录。"
    parts = []
    if access.roles:
        parts.append("登录的" + "、".join(ROLE_NAMES[role] for role in access.roles))
    if access.scope:
        parts.append(f"带 `{access.scope}` 范围的 API 密钥")
    if access.visitor:
        parts.append("顾客的聊天会话")
    return "权限：" + "，或".join(parts) + "。"


def _security(access: Access) -> list[JsonSchema]:
    options: list[JsonSchema] = []
    if access.visitor:
        options.append({"visitor": []})
    if access.roles:
        options.append({"session": []})
    if access.scope:
        options.append({"apiKey": []})
    return options


def _error_codes(route: Route) -> list[ErrorCode]:
    """The errors a route can answer: implied by what it reads, plus those it declares."""
    codes: list[ErrorCode] = list(route.errors)
    if not route.access.public:
        codes.append("unauthorized")
    if route.access.restricted:
        codes.append("forbidden")
    if route.body is not None or route.upload or route.query:
        codes.append("invalid_payload")
    if route.path_names:
        codes.append("not_found")
    return sorted(set(codes), key=lambda code: (HTTP_STATUS[code], code))


def _responses(route: Route, schema_of: dict[type[BaseModel], JsonSchema]) -> JsonSchema:
    content: JsonSchema = {}
    if route.response is not None or not route.files or "json" in route.files:
        schema = schema_of[route.response] if route.response else {"type": "object"}
        content["application/json"] = {"schema": schema}
    for kind in route.files:
        if kind != "json":
            binary = kind in ("xlsx", "image")
            schema = {"type": "string"}
            content[FILE_TYPES[kind]] = {
                "schema": {**schema, "contentEncoding": "binary"} if binary else schema
            }
    responses: JsonSchema = {str(route.status): {"description": "成功", "content": content}}
    by_status: dict[int, list[str]] = {}
    for code in _error_codes(route):
        by_status.setdefault(HTTP_STATUS[code], []).append(code)
    error_content = {"application/json": {"schema": schema_of[ErrorBody]}}
    for status, codes in by_status.items():
        responses[str(status)] = {
            "description": "错误：" + "、".join(f"`{code}`" for code in codes),
            "content": error_content,
        }
    responses["default"] = {"description": "其他错误（同一错误格式）", "content": error_content}
    return responses


def _parameters(route: Route) -> list[JsonSchema]:
    parameters: list[JsonSchema] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": route.path_schemas.get(name, ID_SCHEMA),
        }
        for name in route.path_names
    ]
    for param in route.query:
        entry: JsonSchema = {"name": param.name, "in": "query", "schema": param.schema}
        if param.description:
            entry["description"] = param.description
        if param.required:
            entry["required"] = True
        parameters.append(entry)
    return parameters


def _request_body(
    route: Route, schema_of: dict[type[BaseModel], JsonSchema], definitions: JsonSchema
) -> JsonSchema:
    if route.upload:
        binary = {"type": "string", "contentEncoding": "binary"}
        return {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": binary},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": binary}}
                },
            },
        }
    assert route.body is not None
    schema = schema_of[route.body]
    from_path = set(route.path_names) & set(route.body.model_fields)
    if from_path:
        # The handler takes these from the path (a complaint's id): not asked for in the body.
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = copy.deepcopy(definitions[name])
        for field_name in from_path:
            schema["properties"].pop(field_name, None)
        schema["required"] = [f for f in schema.get("required", []) if f not in from_path]
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def operation_id(route: Route) -> str:
    words = re.findall(r"[a-z0-9]+", route.document_path.lower())
    return "_".join([route.method.lower(), *words])


def _operation(
    route: Route, schema_of: dict[type[BaseModel], JsonSchema], definitions: JsonSchema
) -> JsonSchema:
    description = _access_text(route.access)
    if route.description:
        description += "\n\n" + route.description
    op: JsonSchema = {
        "operationId": operation_id(route),
        "tags": [route.tag],
        "summary": route.summary,
        "description": description,
        "security": _security(route.access),
        "responses": _responses(route, schema_of),
    }
    if route.access.roles:
        op["x-roles"] = list(route.access.roles)
    if route.access.scope:
        op["x-api-key-scope"] = route.access.scope
    parameters = _parameters(route)
    if parameters:
        op["parameters"] = parameters
    if route.body is not None or route.upload:
        op["requestBody"] = _request_body(route, schema_of, definitions)
    return op


def build_document(routes: Iterable[Route]) -> JsonSchema:
    routes = list(routes)
    models: list[type[BaseModel]] = [ErrorBody]
    models += [r.body for r in routes if r.body is not None]
    models += [r.response for r in routes if r.response is not None]
    unique = list(dict.fromkeys(models))
    # Bodies as the server reads them; answers as it writes them.
    bodies = {r.body for r in routes if r.body is not None}
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation" if m in bodies else "serialization") for m in unique
    ]
    keyed, definitions = models_json_schema(
        wanted, ref_template=REF, schema_generator=CommandSchema
    )
    schema_of = {model: keyed[(model, mode)] for (model, mode) in wanted}
    definitions = definitions.get("$defs", {})
    paths: JsonSchema = {}
    for route in sorted(routes, key=lambda r: (r.document_path, r.method)):
        paths.setdefault(route.document_path, {})[route.method.lower()] = _operation(
            route, schema_of, definitions
        )
    tags = list(dict.fromkeys(r.tag for r in routes))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "chatserver REST API",
            "version": __version__,
            "description": (
                "在线客服系统的 REST 接口（JSON，位于 `/api/`）。错误一律为 "
                '`{"error": {"code", "message", "field"?}}`，代码与实时事件相同'
                "（见 docs/protocol.md）。本文档由服务器的路由声明生成。"
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": definitions,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


DOCUMENT_CACHE = web.AppKey("openapi_document", dict[str, JsonSchema])


async def openapi_json(request: web.Request) -> web.Response:
    cache = request.app[DOCUMENT_CACHE]
    if "document" not in cache:
        routes: list[Route] = request.app[ROUTES]
        cache["document"] = build_document(routes)
    return web.json_response(cache["document"], headers={"Cache-Control": "no-cache"})


def docs_handler(dist: Path) -> Handler:
    """The Swagger UI page and its files, from widget/dist/api-docs."""
    folder = dist / "api-docs"

    async def serve(request: web.Request) -> web.StreamResponse:
        path = resolve_in(folder, request.match_info.get("file", "") or "index.html")
        if path is None:
            raise web.HTTPNotFound()
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
        if path.suffix == ".html":
            headers["Content-Security-Policy"] = f"{APP_CSP}; frame-ancestors 'none'"
            headers["X-Frame-Options"] = "DENY"
        return web.FileResponse(path, headers=headers)

    return serve


def add_routes(app: web.Application, dist: Path = DIST) -> None:
    app[DOCUMENT_CACHE] = {}
    docs = docs_handler(dist)
    add(
        app,
        "文档",
        [
            Route(
                "GET",
                "/api/openapi.json",
                openapi_json,
                "本 OpenAPI 3.1 文档",
                PUBLIC,
                description="由服务器的路由声明生成（chatserver/api/routes.py）。",
            ),
            Route(
                "GET",
                "/api/docs",
                docs,
                "接口文档页面（Swagger UI）",
                PUBLIC,
                files=("html",),
            ),
            Route(
                "GET",
                "/api/docs/{file}",
                docs,
                "接口文档页面的脚本和样式",
                PUBLIC,
                path_schemas={"file": {"type": "string"}},
                files=("text",),
            ),
        ],
    )

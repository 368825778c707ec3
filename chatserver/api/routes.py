"""One declaration per REST route: the router is built from it and the OpenAPI document
(api/openapi.py) is generated from it, so the two cannot drift apart.

A module lists its routes as `Route(...)` values and registers them with `add(app, tag, routes)`
instead of `app.router.add_get(...)`; tests/api/test_openapi.py fails for any route of the
router that was added another way (the front-end pages of api/static.py aside). A new route:

    Route("POST", "/api/things/{thing_id}/archive", archive, "归档", SUPERVISORS,
          body=ArchiveThing, response=ThingSaved, errors=("conflict",))

`body` is the command the handler parses; 401/403/400/404 follow from the access, body, query
and path, so `errors` names only the others.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel

from chatserver.errors import ErrorCode

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Role = Literal["agent", "supervisor", "admin"]
JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class Access:
    """Who may call a route: staff sessions of these roles, and/or an API key with `scope`, or
    the shopper's widget session (`visitor`). Nothing at all: a public route."""

    roles: tuple[Role, ...] = ()
    scope: str | None = None
    visitor: bool = False

    @property
    def public(self) -> bool:
        return not self.roles and self.scope is None and not self.visitor

    @property
    def restricted(self) -> bool:
        """Some authenticated callers are refused (403): a role or a key's scope matters."""
        return self.scope is not None or (bool(self.roles) and len(self.roles) < 3)


PUBLIC = Access()
STAFF = Access(roles=("agent", "supervisor", "admin"))
SUPERVISORS = Access(roles=("supervisor", "admin"))
ADMINS = Access(roles=("admin",))


def api_key(scope: str, *, roles: tuple[Role, ...] = ("supervisor", "admin")) -> Access:
    """An API key holding `scope`, or a staff session of `roles`."""
    return Access(roles=roles, scope=scope)


@dataclass(frozen=True)
class Param:
    """A query parameter: its name on the wire and its JSON schema."""

    name: str
    schema: JsonSchema
    description: str = ""
    required: bool = False


def integer(name: str, description: str = "", *, low: int = 1, high: int | None = None) -> Param:
    schema: JsonSchema = {"type": "integer", "minimum": low}
    if high is not None:
        schema["maximum"] = high
    return Param(name, schema, description)


def choice(name: str, values: Iterable[str], description: str = "") -> Param:
    return Param(name, {"type": "string", "enum": list(values)}, description)


def text(name: str, description: str = "", *, max_length: int | None = None) -> Param:
    schema: JsonSchema = {"type": "string"}
    if max_length is not None:
        schema["maxLength"] = max_length
    return Param(name, schema, description)


def instant(name: str, description: str = "") -> Param:
    """An ISO 8601 time (the routes say whether a zone is required or a plain date will do)."""
    return Param(name, {"type": "string", "format": "date-time"}, description)


FILE_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text": "text/plain",
    "image": "image/*",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    access: Access
    # The JSON body's command (commands/*); `upload`: the body is a file (raw or multipart).
    body: type[BaseModel] | None = None
    upload: bool = False
    query: tuple[Param, ...] = ()
    # Path parameters whose schema is not an id (ids: ASCII digits, else 404).
    path_schemas: dict[str, JsonSchema] = field(default_factory=dict)
    response: type[BaseModel] | None = None
    status: int = 200
    # Answers other than a JSON object (keys of FILE_TYPES; "json" when one is also possible).
    files: tuple[str, ...] = ()
    # Errors beyond those the access, body, query and path already imply.
    errors: tuple[ErrorCode, ...] = ()
    description: str = ""
    tag: str = ""

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"{(\w+)(?::[^}]*)?}", self.path)

    @property
    def document_path(self) -> str:
        """The path as OpenAPI spells it: `{key}` without aiohttp's regular expression."""
        return re.sub(r"{(\w+):[^}]*}", r"{\1}", self.path)


ROUTES = web.AppKey("routes", list[Route])


def add(app: web.Application, tag: str, routes: Iterable[Route]) -> None:
    """Route each declaration and keep it for the document."""
    if ROUTES not in app:
        app[ROUTES] = []
    for route in routes:
        if route.method == "GET":
            app.router.add_get(route.path, route.handler)  # HEAD too, as before
        else:
            app.router.add_route(route.method, route.path, route.handler)
        app[ROUTES].append(replace(route, tag=tag))

"""GET /healthz: 200 when the database answers."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import parts_of
from chatserver.api.routes import PUBLIC, Route, add


async def healthz(request: web.Request) -> web.Response:
    if await parts_of(request).db.ping():
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "unavailable"}, status=503)


def add_routes(app: web.Application) -> None:
    add(
        app,
        "运行状态",
        [
            Route(
                "GET",
                "/healthz",
                healthz,
                "健康检查（数据库可用时为 200）",
                PUBLIC,
                errors=("unavailable",),
            )
        ],
    )

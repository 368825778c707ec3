"""The shop's identity secret for identify(): admins only (actions/identity_secret.py)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, parts_of


async def get_identity_secret(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).identity_secrets.do_show(actor))


async def rotate_identity_secret(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).identity_secrets.do_rotate(actor))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/shop/identity-secret", get_identity_secret)
    app.router.add_post("/api/shop/identity-secret/rotate", rotate_identity_secret)

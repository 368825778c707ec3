"""The shop's widget setup in the admin console: the identity secret for identify() (admins
only, actions/identity_secret.py) and the pre-chat and invitation settings (staff read, admins
change, actions/widget_settings.py)."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.catalog import require_admin
from chatserver.api.common import current_agent, json_body, parts_of


async def get_identity_secret(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).identity_secrets.do_show(actor))


async def rotate_identity_secret(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).identity_secrets.do_rotate(actor))


async def get_widget_settings(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).widget_settings.settings(actor))


async def update_widget_settings(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)  # the role first: a plain agent learns nothing from validation
    body = await json_body(request)
    return web.json_response(await parts_of(request).widget_settings.do_update(actor, body))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/shop/identity-secret", get_identity_secret)
    app.router.add_post("/api/shop/identity-secret/rotate", rotate_identity_secret)
    app.router.add_get("/api/shop/widget-settings", get_widget_settings)
    app.router.add_put("/api/shop/widget-settings", update_widget_settings)

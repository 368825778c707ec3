"""Agent login, logout and who-am-I."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, hub_of, json_body
from chatserver.errors import AppError
from chatserver.services.serialize import agent_dict


async def login(request: web.Request) -> web.Response:
    body = await json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise AppError("invalid_payload", "请填写用户名和密码")
    if len(username) > 64 or len(password) > 256:
        raise AppError("unauthorized", "用户名或密码错误")
    token, actor = await hub_of(request).auth.login(
        username.strip(), password, client_address=request.remote or "unknown"
    )
    return web.json_response({"token": token, "agent": agent_dict(actor.agent, actor.shop)})


async def logout(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    hub = hub_of(request)
    await hub.auth.logout(actor.session_id)
    await hub.presence.disconnect_session(actor.session_id)
    return web.json_response({"ok": True})


async def me(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response({"agent": agent_dict(actor.agent, actor.shop)})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/auth/login", login)
    app.router.add_post("/api/auth/logout", logout)
    app.router.add_get("/api/me", me)

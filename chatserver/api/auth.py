"""Agent login, logout and who-am-I."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, json_body, parts_of
from chatserver.commands.auth import Login
from chatserver.commands.base import parse
from chatserver.views.wire import agent_dict


async def login(request: web.Request) -> web.Response:
    command = parse(Login, await json_body(request))
    parts = parts_of(request)
    token, actor = await parts.auth.login(
        command.username.strip(), command.password, client_address=request.remote or "unknown"
    )
    agent = agent_dict(actor.agent, actor.shop)
    agent["groups"] = await parts.staff_views.groups_of(actor.agent.id)
    return web.json_response({"token": token, "agent": agent})


async def logout(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    parts = parts_of(request)
    await parts.auth.logout(actor.session_id)
    await parts.presence.disconnect_session(actor.session_id)
    return web.json_response({"ok": True})


async def me(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    agent = agent_dict(actor.agent, actor.shop)
    agent["groups"] = await parts_of(request).staff_views.groups_of(actor.agent.id)
    return web.json_response({"agent": agent})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/auth/login", login)
    app.router.add_post("/api/auth/logout", logout)
    app.router.add_get("/api/me", me)

"""Agent login, logout and who-am-I."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, json_body, parts_of
from chatserver.api.routes import PUBLIC, STAFF, Route, add
from chatserver.commands.auth import Login
from chatserver.commands.base import parse
from chatserver.views.schemas import LoggedIn, Me, Ok
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
    add(
        app,
        "登录",
        [
            Route(
                "POST",
                "/api/auth/login",
                login,
                "客服登录",
                PUBLIC,
                body=Login,
                response=LoggedIn,
                errors=("unauthorized", "rate_limited"),
            ),
            Route("POST", "/api/auth/logout", logout, "退出登录", STAFF, response=Ok),
            Route("GET", "/api/me", me, "当前登录的客服", STAFF, response=Me),
        ],
    )

"""The admin console's agents and groups: supervisors and admins read, admins edit. The role is
checked before anything else is read from the request; another shop's ids are 404."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.api.common import current_agent, json_body, parts_of, path_id
from chatserver.api.routes import ADMINS, SUPERVISORS, Route, add
from chatserver.commands.base import parse
from chatserver.commands.staff import CreateAgent, ResetPassword, SaveGroup, UpdateAgent
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.schemas import Items, Ok
from chatserver.wiring import Components


async def _reader(request: web.Request) -> AuthenticatedAgent:
    actor = await current_agent(request)
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以查看客服和分组")
    return actor


async def _admin(request: web.Request) -> AuthenticatedAgent:
    actor = await current_agent(request)
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改客服和分组")
    return actor


async def _agent(parts: Components, shop_id: int, agent_id: int) -> dict[str, Any]:
    roster = await parts.staff_views.roster(shop_id)
    return next(a for a in roster["agents"] if a["id"] == agent_id)


async def _group(parts: Components, shop_id: int, group_id: int) -> dict[str, Any]:
    roster = await parts.staff_views.roster(shop_id)
    return next(g for g in roster["groups"] if g["id"] == group_id)


async def _close_sessions(parts: Components, session_ids: list[int]) -> None:
    for session_id in session_ids:
        await parts.presence.disconnect_session(session_id)


async def list_agents(request: web.Request) -> web.Response:
    actor = await _reader(request)
    return web.json_response(await parts_of(request).staff_views.roster(actor.shop.id))


async def create_agent(request: web.Request) -> web.Response:
    actor = await _admin(request)
    parts = parts_of(request)
    command = parse(CreateAgent, await json_body(request))
    agent_id = await parts.staff_admin.do_create_agent(actor, command)
    return web.json_response({"agent": await _agent(parts, actor.shop.id, agent_id)}, status=201)


async def update_agent(request: web.Request) -> web.Response:
    actor = await _admin(request)
    parts = parts_of(request)
    agent_id = path_id(request, "agent_id")
    command = parse(UpdateAgent, await json_body(request))
    await parts.staff_admin.do_update_agent(actor, agent_id, command)
    agent = await _agent(parts, actor.shop.id, agent_id)
    if agent["role"] not in SUPERVISING_ROLES:
        # A supervisor made an agent loses the live view at once, not at their next action.
        await parts.presence.close_live_views(agent_id)
    return web.json_response({"agent": agent})


async def reset_password(request: web.Request) -> web.Response:
    actor = await _admin(request)
    parts = parts_of(request)
    agent_id = path_id(request, "agent_id")
    command = parse(ResetPassword, await json_body(request))
    await _close_sessions(
        parts, await parts.staff_admin.do_reset_password(actor, agent_id, command)
    )
    return web.json_response({"ok": True})


def _set_disabled(disabled: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        actor = await _admin(request)
        parts = parts_of(request)
        agent_id = path_id(request, "agent_id")
        revoked = await parts.staff_admin.do_set_disabled(actor, agent_id, disabled=disabled)
        await _close_sessions(parts, revoked)
        return web.json_response({"agent": await _agent(parts, actor.shop.id, agent_id)})

    return handler


async def create_group(request: web.Request) -> web.Response:
    actor = await _admin(request)
    parts = parts_of(request)
    command = parse(SaveGroup, await json_body(request))
    group_id = await parts.groups_admin.do_save_group(actor, command)
    return web.json_response({"group": await _group(parts, actor.shop.id, group_id)}, status=201)


async def update_group(request: web.Request) -> web.Response:
    actor = await _admin(request)
    parts = parts_of(request)
    group_id = path_id(request, "group_id")
    command = parse(SaveGroup, await json_body(request))
    await parts.groups_admin.do_save_group(actor, command, group_id)
    return web.json_response({"group": await _group(parts, actor.shop.id, group_id)})


async def delete_group(request: web.Request) -> web.Response:
    actor = await _admin(request)
    await parts_of(request).groups_admin.do_delete_group(actor, path_id(request, "group_id"))
    return web.json_response({"ok": True})


async def list_changes(request: web.Request) -> web.Response:
    actor = await _reader(request)
    return web.json_response({"items": await parts_of(request).staff_views.changes(actor.shop.id)})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "客服与分组",
        [
            Route("GET", "/api/agents", list_agents, "客服和分组", SUPERVISORS),
            Route(
                "POST",
                "/api/agents",
                create_agent,
                "新增客服账号",
                ADMINS,
                body=CreateAgent,
                status=201,
                errors=("conflict",),
            ),
            Route(
                "PATCH",
                "/api/agents/{agent_id}",
                update_agent,
                "修改客服账号",
                ADMINS,
                body=UpdateAgent,
                errors=("conflict",),
            ),
            Route(
                "POST",
                "/api/agents/{agent_id}/password",
                reset_password,
                "重设密码",
                ADMINS,
                body=ResetPassword,
                response=Ok,
            ),
            Route(
                "POST",
                "/api/agents/{agent_id}/disable",
                _set_disabled(True),
                "停用客服账号",
                ADMINS,
                errors=("conflict",),
            ),
            Route(
                "POST",
                "/api/agents/{agent_id}/enable",
                _set_disabled(False),
                "启用客服账号",
                ADMINS,
            ),
            Route(
                "POST",
                "/api/groups",
                create_group,
                "新建分组",
                ADMINS,
                body=SaveGroup,
                status=201,
                errors=("conflict",),
            ),
            Route(
                "PATCH",
                "/api/groups/{group_id}",
                update_group,
                "修改分组",
                ADMINS,
                body=SaveGroup,
                errors=("conflict",),
            ),
            Route(
                "DELETE", "/api/groups/{group_id}", delete_group, "删除分组", ADMINS, response=Ok
            ),
            Route(
                "GET",
                "/api/staff-changes",
                list_changes,
                "账号变更记录",
                SUPERVISORS,
                response=Items,
            ),
        ],
    )

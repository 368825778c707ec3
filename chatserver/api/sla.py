"""SLA policies: supervisors read them, admins edit them (the admin console's 服务时效 page)."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.sla_policies import require_admin
from chatserver.api.common import current_agent, json_body, parts_of, path_id
from chatserver.api.routes import ADMINS, SUPERVISORS, Route, add
from chatserver.commands.sla import GroupPolicyChange, ShopPolicyChange, parse_policy_change


async def get_policies(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).sla_policies.page(actor))


async def put_shop_policy(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    # The role first: a supervisor learns nothing from validation.
    require_admin(actor)
    change = parse_policy_change(await json_body(request), for_shop=True)
    return web.json_response(await parts_of(request).sla_policies.do_set_shop_policy(actor, change))


async def put_group_policy(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)
    group_id = path_id(request, "group_id")
    change = parse_policy_change(await json_body(request), for_shop=False)
    policies = parts_of(request).sla_policies
    return web.json_response(await policies.do_set_group_policy(actor, group_id, change))


async def delete_group_policy(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)
    group_id = path_id(request, "group_id")
    policies = parts_of(request).sla_policies
    return web.json_response(await policies.do_set_group_policy(actor, group_id, None))


def add_routes(app: web.Application) -> None:
    add(
        app,
        "服务时效",
        [
            Route("GET", "/api/sla/policies", get_policies, "服务时效设置", SUPERVISORS),
            Route(
                "PUT",
                "/api/sla/policies/shop",
                put_shop_policy,
                "修改全店的服务时效",
                ADMINS,
                body=ShopPolicyChange,
            ),
            Route(
                "PUT",
                "/api/sla/policies/groups/{group_id}",
                put_group_policy,
                "修改分组的服务时效",
                ADMINS,
                body=GroupPolicyChange,
            ),
            Route(
                "DELETE",
                "/api/sla/policies/groups/{group_id}",
                delete_group_policy,
                "分组改用全店的服务时效",
                ADMINS,
            ),
        ],
    )

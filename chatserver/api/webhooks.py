"""The admin console's integration settings: API keys and webhook endpoints with their
delivery log and the "send test" button. Admins only."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.api_keys import require_admin
from chatserver.api.common import current_agent, json_body, parts_of, path_id
from chatserver.api.routes import ADMINS, Route, add, integer
from chatserver.commands.base import parse
from chatserver.commands.integrations import CreateApiKey, CreateEndpoint, UpdateEndpoint
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.schemas import Items


async def admin(request: web.Request) -> AuthenticatedAgent:
    """The role first (inside the actions too): a non-admin learns nothing from a payload."""
    actor = await current_agent(request)
    require_admin(actor)
    return actor


async def list_keys(request: web.Request) -> web.Response:
    actor = await admin(request)
    return web.json_response({"items": await parts_of(request).api_keys.list_for_shop(actor)})


async def create_key(request: web.Request) -> web.Response:
    actor = await admin(request)
    command = parse(CreateApiKey, await json_body(request))
    return web.json_response(await parts_of(request).api_keys.do_create(actor, command))


async def revoke_key(request: web.Request) -> web.Response:
    actor = await admin(request)
    key = await parts_of(request).api_keys.do_revoke(actor, path_id(request, "key_id"))
    return web.json_response({"key": key})


async def list_endpoints(request: web.Request) -> web.Response:
    actor = await admin(request)
    return web.json_response({"items": await parts_of(request).webhooks.list_endpoints(actor)})


async def create_endpoint(request: web.Request) -> web.Response:
    actor = await admin(request)
    command = parse(CreateEndpoint, await json_body(request))
    return web.json_response(
        {"endpoint": await parts_of(request).webhooks.do_create(actor, command)}
    )


async def update_endpoint(request: web.Request) -> web.Response:
    actor = await admin(request)
    command = parse(UpdateEndpoint, await json_body(request))
    endpoint = await parts_of(request).webhooks.do_update(
        actor, path_id(request, "endpoint_id"), command
    )
    return web.json_response({"endpoint": endpoint})


async def delete_endpoint(request: web.Request) -> web.Response:
    actor = await admin(request)
    return web.json_response(
        await parts_of(request).webhooks.do_delete(actor, path_id(request, "endpoint_id"))
    )


async def send_test(request: web.Request) -> web.Response:
    actor = await admin(request)
    parts = parts_of(request)
    delivery = await parts.webhooks.do_send_test(actor, path_id(request, "endpoint_id"))
    parts.webhook_sender.kick()
    return web.json_response({"delivery": delivery})


async def deliveries(request: web.Request) -> web.Response:
    actor = await admin(request)
    raw = request.query.get("endpoint_id")
    endpoint_id = None
    if raw:
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise AppError("invalid_payload", "endpoint_id 必须是正整数", field="endpoint_id")
        endpoint_id = int(raw)
    items = await parts_of(request).webhooks.deliveries(actor, endpoint_id)
    return web.json_response({"items": items})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "集成设置",
        [
            Route("GET", "/api/api-keys", list_keys, "API 密钥列表", ADMINS, response=Items),
            Route(
                "POST",
                "/api/api-keys",
                create_key,
                "新建 API 密钥",
                ADMINS,
                body=CreateApiKey,
                errors=("conflict",),
            ),
            Route("DELETE", "/api/api-keys/{key_id}", revoke_key, "撤销 API 密钥", ADMINS),
            Route(
                "GET", "/api/webhooks", list_endpoints, "Webhook 地址列表", ADMINS, response=Items
            ),
            Route(
                "POST",
                "/api/webhooks",
                create_endpoint,
                "新增 Webhook 地址",
                ADMINS,
                body=CreateEndpoint,
                errors=("conflict",),
            ),
            Route(
                "GET",
                "/api/webhooks/deliveries",
                deliveries,
                "Webhook 发送记录",
                ADMINS,
                query=(integer("endpoint_id", "只看这个地址"),),
                response=Items,
            ),
            Route(
                "PUT",
                "/api/webhooks/{endpoint_id}",
                update_endpoint,
                "修改 Webhook 地址",
                ADMINS,
                body=UpdateEndpoint,
            ),
            Route(
                "DELETE",
                "/api/webhooks/{endpoint_id}",
                delete_endpoint,
                "删除 Webhook 地址",
                ADMINS,
            ),
            Route(
                "POST",
                "/api/webhooks/{endpoint_id}/test",
                send_test,
                "发送测试事件",
                ADMINS,
            ),
        ],
    )

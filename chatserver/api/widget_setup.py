"""The shop's widget setup in the admin console: the identity secret for identify() (admins
only, actions/identity_secret.py) and the pre-chat and invitation settings (staff read, admins
change, actions/widget_settings.py)."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.catalog import require_admin
from chatserver.api.common import current_agent, json_body, parts_of
from chatserver.api.routes import ADMINS, PUBLIC, STAFF, Route, add, text
from chatserver.commands.widget_settings import WidgetSettingsChange
from chatserver.domain.text import is_plain_key
from chatserver.errors import AppError


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


async def get_widget_config(request: web.Request) -> web.Response:
    """Public, for the loader on any shop page (hence CORS): the invitation settings only."""
    shop = request.query.get("shop")
    if shop is not None and (len(shop) > 64 or not is_plain_key(shop)):
        raise AppError("not_found", "店铺不存在")
    config = await parts_of(request).widget_settings.public_invite(shop)
    return web.json_response(config, headers={"Access-Control-Allow-Origin": "*"})


def add_routes(app: web.Application) -> None:
    add(
        app,
        "网页接入",
        [
            Route(
                "GET",
                "/api/shop/identity-secret",
                get_identity_secret,
                "查看 identify() 的签名密钥",
                ADMINS,
            ),
            Route(
                "POST",
                "/api/shop/identity-secret/rotate",
                rotate_identity_secret,
                "更换签名密钥（旧密钥签的身份随即失效）",
                ADMINS,
            ),
            Route(
                "GET",
                "/api/shop/widget-settings",
                get_widget_settings,
                "售前信息与主动邀请设置",
                STAFF,
            ),
            Route(
                "PUT",
                "/api/shop/widget-settings",
                update_widget_settings,
                "修改售前信息与主动邀请设置",
                ADMINS,
                body=WidgetSettingsChange,
            ),
            Route(
                "GET",
                "/api/widget/config",
                get_widget_config,
                "网页挂件的主动邀请设置（公开，任何来源可读）",
                PUBLIC,
                query=(text("shop", "店铺标识，缺省为演示店铺", max_length=64),),
                errors=("not_found",),
            ),
        ],
    )

"""Business hours (营业时间) for the admin console: supervisors read, admins edit."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.business_hours import require_admin, require_supervising
from chatserver.api.common import current_agent, json_body, parts_of
from chatserver.api.routes import ADMINS, SUPERVISORS, Route, add
from chatserver.commands.business_hours import BusinessHoursChange


async def get_hours(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_supervising(actor)
    return web.json_response(await parts_of(request).business_hours.read(actor))


async def put_hours(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)  # the role first: a plain agent learns nothing from validation
    body = await json_body(request)
    return web.json_response(await parts_of(request).business_hours.do_update(actor, body))


def add_routes(app: web.Application) -> None:
    add(
        app,
        "营业时间",
        [
            Route("GET", "/api/business-hours", get_hours, "营业时间", SUPERVISORS),
            Route(
                "PUT",
                "/api/business-hours",
                put_hours,
                "修改营业时间",
                ADMINS,
                body=BusinessHoursChange,
            ),
        ],
    )

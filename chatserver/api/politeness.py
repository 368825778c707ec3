"""The shop's politeness word lists: every agent may read them, only an admin may change them."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.catalog import require_admin
from chatserver.api.common import current_agent, json_body, parts_of
from chatserver.api.routes import ADMINS, STAFF, Route, add
from chatserver.commands.base import parse
from chatserver.commands.politeness import PolitenessUpdate


async def get_politeness(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response(await parts_of(request).politeness.settings(actor))


async def update_politeness(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)  # the role first: a plain agent learns nothing from validation
    command = parse(PolitenessUpdate, await json_body(request))
    return web.json_response(await parts_of(request).politeness.do_update_words(actor, command))


def add_routes(app: web.Application) -> None:
    add(
        app,
        "文明用语",
        [
            Route("GET", "/api/politeness", get_politeness, "文明用语词表", STAFF),
            Route(
                "PUT",
                "/api/politeness",
                update_politeness,
                "修改文明用语词表",
                ADMINS,
                body=PolitenessUpdate,
                errors=("text_too_long",),
            ),
        ],
    )

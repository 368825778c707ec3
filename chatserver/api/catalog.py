"""The shop's FAQ, standard phrases and settings, for the admin console."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.catalog import Catalog, require_admin, require_editor
from chatserver.actions.politeness import lint
from chatserver.api.common import bearer_token, current_agent, json_body, parts_of, path_id
from chatserver.commands.base import parse
from chatserver.commands.catalog import (
    FaqCreate,
    FaqUpdate,
    PhraseCreate,
    PhraseSearch,
    PhraseUpdate,
    ShopUpdate,
    TryQuestion,
)
from chatserver.services.auth import AuthenticatedAgent


async def faq_editor(request: web.Request) -> AuthenticatedAgent:
    """Staff, or the shop's own system with an API key holding `faq:manage`."""
    return await parts_of(request).api_keys.authorize_editor(bearer_token(request), "faq:manage")


def _catalog(request: web.Request) -> Catalog:
    return parts_of(request).catalog


async def list_faq(request: web.Request) -> web.Response:
    actor = await faq_editor(request)
    return web.json_response({"items": await _catalog(request).list_faq(actor)})


async def create_faq(request: web.Request) -> web.Response:
    actor = await faq_editor(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    entry = await _catalog(request).do_create_faq(actor, parse(FaqCreate, await json_body(request)))
    warnings = lint(actor.shop, "answer", entry["answer"])
    return web.json_response({"entry": entry, "warnings": warnings}, status=201)


async def update_faq(request: web.Request) -> web.Response:
    actor = await faq_editor(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    entry = await _catalog(request).do_update_faq(
        actor, path_id(request, "faq_id"), parse(FaqUpdate, await json_body(request))
    )
    warnings = lint(actor.shop, "answer", entry["answer"])
    return web.json_response({"entry": entry, "warnings": warnings})


async def delete_faq(request: web.Request) -> web.Response:
    actor = await faq_editor(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    await _catalog(request).do_delete_faq(actor, path_id(request, "faq_id"))
    return web.json_response({"ok": True})


async def try_faq(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    command = parse(TryQuestion, await json_body(request))
    return web.json_response(await _catalog(request).try_question(actor, command))


async def list_phrases(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response({"items": await _catalog(request).list_phrases(actor)})


async def search_phrases(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    command = parse(PhraseSearch, dict(request.query))
    return web.json_response({"items": await _catalog(request).search_phrases(actor, command)})


async def create_phrase(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    phrase = await _catalog(request).do_create_phrase(
        actor, parse(PhraseCreate, await json_body(request))
    )
    warnings = lint(actor.shop, "text", phrase["text"])
    return web.json_response({"phrase": phrase, "warnings": warnings}, status=201)


async def update_phrase(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    phrase = await _catalog(request).do_update_phrase(
        actor, path_id(request, "phrase_id"), parse(PhraseUpdate, await json_body(request))
    )
    warnings = lint(actor.shop, "text", phrase["text"])
    return web.json_response({"phrase": phrase, "warnings": warnings})


async def delete_phrase(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_editor(actor)  # the role first: a plain agent learns nothing from validation
    await _catalog(request).do_delete_phrase(actor, path_id(request, "phrase_id"))
    return web.json_response({"ok": True})


async def get_shop(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    return web.json_response({"shop": await _catalog(request).shop_settings(actor)})


async def update_shop(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    require_admin(actor)  # the role first: a plain agent learns nothing from validation
    shop = await _catalog(request).do_update_shop(
        actor, parse(ShopUpdate, await json_body(request))
    )
    return web.json_response({"shop": shop})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/faq", list_faq)
    app.router.add_post("/api/faq", create_faq)
    app.router.add_post("/api/faq/try", try_faq)
    app.router.add_put("/api/faq/{faq_id}", update_faq)
    app.router.add_delete("/api/faq/{faq_id}", delete_faq)
    app.router.add_get("/api/phrases", list_phrases)
    app.router.add_post("/api/phrases", create_phrase)
    app.router.add_get("/api/phrases/search", search_phrases)
    app.router.add_put("/api/phrases/{phrase_id}", update_phrase)
    app.router.add_delete("/api/phrases/{phrase_id}", delete_phrase)
    app.router.add_get("/api/shop", get_shop)
    app.router.add_put("/api/shop", update_shop)

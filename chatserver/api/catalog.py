"""The shop's FAQ, standard phrases and settings, for the admin console."""

from __future__ import annotations

from aiohttp import web

from chatserver.actions.catalog import Catalog, require_admin, require_editor
from chatserver.actions.politeness import lint
from chatserver.api.common import bearer_token, current_agent, json_body, parts_of, path_id
from chatserver.api.routes import ADMINS, STAFF, SUPERVISORS, Route, add, api_key, integer, text
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
from chatserver.views.schemas import FaqList, FaqSaved, Ok, PhraseList, PhraseSaved


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
    reader = api_key("faq:manage", roles=("agent", "supervisor", "admin"))
    editor = api_key("faq:manage")
    add(
        app,
        "问答与快捷语",
        [
            Route("GET", "/api/faq", list_faq, "问答列表", reader, response=FaqList),
            Route(
                "POST",
                "/api/faq",
                create_faq,
                "新增问答",
                editor,
                body=FaqCreate,
                response=FaqSaved,
                status=201,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
            Route("POST", "/api/faq/try", try_faq, "试问机器人", STAFF, body=TryQuestion),
            Route(
                "PUT",
                "/api/faq/{faq_id}",
                update_faq,
                "修改问答",
                editor,
                body=FaqUpdate,
                response=FaqSaved,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
            Route(
                "DELETE",
                "/api/faq/{faq_id}",
                delete_faq,
                "删除问答",
                editor,
                response=Ok,
            ),
            Route("GET", "/api/phrases", list_phrases, "快捷语列表", STAFF, response=PhraseList),
            Route(
                "POST",
                "/api/phrases",
                create_phrase,
                "新增快捷语",
                SUPERVISORS,
                body=PhraseCreate,
                response=PhraseSaved,
                status=201,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
            Route(
                "GET",
                "/api/phrases/search",
                search_phrases,
                "搜索快捷语（输入 / 后）",
                STAFF,
                query=(text("q", "快捷词或内容", max_length=64), integer("limit", "1-50", high=50)),
                response=PhraseList,
                errors=("text_too_long",),
            ),
            Route(
                "PUT",
                "/api/phrases/{phrase_id}",
                update_phrase,
                "修改快捷语",
                SUPERVISORS,
                body=PhraseUpdate,
                response=PhraseSaved,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
            Route(
                "DELETE",
                "/api/phrases/{phrase_id}",
                delete_phrase,
                "删除快捷语",
                SUPERVISORS,
                response=Ok,
            ),
            Route("GET", "/api/shop", get_shop, "店铺设置", STAFF),
            Route(
                "PUT",
                "/api/shop",
                update_shop,
                "修改店铺设置",
                ADMINS,
                body=ShopUpdate,
                errors=("empty_text", "text_too_long"),
            ),
        ],
    )

"""Teaching the bot (supervisors and admins): the questions it could not answer, phrasings
learned from agents' answers, and FAQ import and export."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from chatserver.actions.faq_files import CONTENT_TYPES, MAX_IMPORT_BYTES
from chatserver.actions.politeness import lint
from chatserver.api.common import current_supervisor, file_body, json_body, parts_of, path_id
from chatserver.api.routes import SUPERVISORS, Route, add, choice, instant
from chatserver.commands.base import parse
from chatserver.commands.learning import (
    AddSimilar,
    DismissQuestions,
    EntryForQuestions,
    UnansweredQuery,
)
from chatserver.errors import invalid
from chatserver.views.schemas import FaqExport, Items

_REFUSAL = "只有主管或管理员可以修改"


async def unanswered(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    query = request.query
    command = parse(
        UnansweredQuery,
        {"start": query.get("from"), "end": query.get("to"), "order": query.get("order")},
    )
    return web.json_response(await parts_of(request).bot_gaps.unanswered(actor, command))


async def add_similar(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    command = parse(AddSimilar, await json_body(request))
    done = await parts_of(request).bot_gaps.do_add_similar(actor, command)
    return web.json_response(done)


async def create_entry(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    command = parse(EntryForQuestions, await json_body(request))
    done = await parts_of(request).bot_gaps.do_create_entry(actor, command)
    warnings = lint(actor.shop, "answer", done["entry"]["answer"])
    return web.json_response({**done, "warnings": warnings}, status=201)


async def dismiss(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    command = parse(DismissQuestions, await json_body(request))
    return web.json_response(
        {"resolved": await parts_of(request).bot_gaps.do_dismiss(actor, command)}
    )


async def proposals(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    status = request.query.get("status", "pending")
    return web.json_response(
        {"items": await parts_of(request).proposals.list_for_shop(actor, status)}
    )


async def _decide(request: web.Request, approve: bool) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    proposal_id = path_id(request, "proposal_id")
    done = await parts_of(request).proposals.do_decide(actor, proposal_id, approve=approve)
    return web.json_response(done)


async def approve(request: web.Request) -> web.Response:
    return await _decide(request, True)


async def reject(request: web.Request) -> web.Response:
    return await _decide(request, False)


def _format(request: web.Request) -> str:
    fmt = request.query.get("format", "json")
    if fmt not in CONTENT_TYPES:
        raise invalid("format 只能是 json、csv 或 xlsx", field="format")
    return fmt


async def export_faq(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    fmt = _format(request)
    data = await parts_of(request).faq_files.export(actor, fmt)
    day = datetime.now(UTC).strftime("%Y%m%d")
    return web.Response(
        body=data,
        content_type=CONTENT_TYPES[fmt],
        charset="utf-8" if fmt != "xlsx" else None,
        headers={
            "Content-Disposition": f'attachment; filename="faq-{actor.shop.slug}-{day}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


async def import_faq(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    fmt = _format(request)
    mode = request.query.get("mode", "preview")
    if mode not in ("preview", "apply"):
        raise invalid("mode 只能是 preview 或 apply", field="mode")
    data = await file_body(
        request, MAX_IMPORT_BYTES, "文件不能超过 5 MB", missing="表单中没有问答文件"
    )
    done = await parts_of(request).faq_files.do_import(actor, data, fmt, apply=mode == "apply")
    return web.json_response(done)


def add_routes(app: web.Application) -> None:
    period = (instant("from"), instant("to"))
    add(
        app,
        "机器人学习",
        [
            Route(
                "GET",
                "/api/unanswered",
                unanswered,
                "机器人没答好的问题",
                SUPERVISORS,
                query=(*period, choice("order", ("count", "recent"))),
            ),
            Route(
                "POST",
                "/api/unanswered/similar",
                add_similar,
                "把问题加为已有问答的相似问法",
                SUPERVISORS,
                body=AddSimilar,
                errors=("empty_text", "text_too_long"),
            ),
            Route(
                "POST",
                "/api/unanswered/entry",
                create_entry,
                "为问题新建问答",
                SUPERVISORS,
                body=EntryForQuestions,
                status=201,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
            Route(
                "POST",
                "/api/unanswered/dismiss",
                dismiss,
                "忽略问题",
                SUPERVISORS,
                body=DismissQuestions,
            ),
            Route(
                "GET",
                "/api/faq/proposals",
                proposals,
                "客服回答中学到的相似问法",
                SUPERVISORS,
                query=(choice("status", ("pending", "approved", "rejected")),),
                response=Items,
            ),
            Route(
                "POST",
                "/api/faq/proposals/{proposal_id}/approve",
                approve,
                "采纳相似问法",
                SUPERVISORS,
                errors=("conflict",),
            ),
            Route(
                "POST",
                "/api/faq/proposals/{proposal_id}/reject",
                reject,
                "不采纳相似问法",
                SUPERVISORS,
                errors=("conflict",),
            ),
            Route(
                "GET",
                "/api/faq/export",
                export_faq,
                "导出问答（JSON、CSV 或 Excel）",
                SUPERVISORS,
                query=(choice("format", CONTENT_TYPES),),
                response=FaqExport,
                files=("csv", "xlsx"),
            ),
            Route(
                "POST",
                "/api/faq/import",
                import_faq,
                "导入问答（预览或应用）",
                SUPERVISORS,
                upload=True,
                query=(choice("format", CONTENT_TYPES), choice("mode", ("preview", "apply"))),
                errors=("too_large",),
            ),
        ],
    )

"""The shop's complaints for supervisors and admins: the open list (filtered by level and
status), and escalating or settling one from it. The same actions as the `/agent` events
(docs/protocol.md), for a supervisor working from the list rather than from the chat."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_supervisor, json_body, parts_of, path_id
from chatserver.api.routes import SUPERVISORS, Route, add, choice, integer
from chatserver.commands.base import C, parse
from chatserver.commands.complaints import ComplaintListQuery, EndComplaint, EscalateComplaint
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.schemas import Items

_REFUSAL = "只有主管或管理员可以使用投诉管理"


async def list_complaints(request: web.Request) -> web.Response:
    actor = await current_supervisor(request, _REFUSAL)
    query = parse(
        ComplaintListQuery,
        {"status": request.query.get("status", "open"), "level": request.query.get("level")},
    )
    items = await parts_of(request).complaint_views.list_for_shop(
        actor.shop.id, status=query.status, level=query.level
    )
    return web.json_response({"items": items})


async def _command(request: web.Request, command: type[C]) -> tuple[AuthenticatedAgent, C]:
    """The supervisor, and the body as the `/agent` event's command for the path's complaint."""
    actor = await current_supervisor(request, _REFUSAL)
    complaint_id = path_id(request, "complaint_id")
    return actor, parse(command, {**await json_body(request), "complaint_id": complaint_id})


async def escalate(request: web.Request) -> web.Response:
    actor, command = await _command(request, EscalateComplaint)
    complaint = await parts_of(request).complaints.do_escalate(actor, command)
    return web.json_response({"complaint": complaint})


async def settle(request: web.Request) -> web.Response:
    actor, command = await _command(request, EndComplaint)
    return web.json_response(
        {"complaint": await parts_of(request).complaints.do_end(actor, command)}
    )


def add_routes(app: web.Application) -> None:
    add(
        app,
        "投诉",
        [
            Route(
                "GET",
                "/api/complaints",
                list_complaints,
                "投诉列表",
                SUPERVISORS,
                query=(
                    choice("status", ("open", "resolved", "closed", "all"), "默认 open"),
                    integer("level", "只看这一级（0-3）", low=0, high=3),
                ),
                response=Items,
            ),
            Route(
                "POST",
                "/api/complaints/{complaint_id}/escalate",
                escalate,
                "升级投诉",
                SUPERVISORS,
                body=EscalateComplaint,
                errors=("text_too_long", "conflict"),
            ),
            Route(
                "POST",
                "/api/complaints/{complaint_id}/resolve",
                settle,
                "结束投诉（解决或关闭）",
                SUPERVISORS,
                body=EndComplaint,
                errors=("empty_text", "text_too_long", "conflict"),
            ),
        ],
    )

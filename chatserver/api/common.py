"""Request parsing, authentication and the error body, shared by every REST handler."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent
from chatserver.wiring import Components

log = logging.getLogger(__name__)

COMPONENTS = web.AppKey("components", Components)
MAX_BODY_BYTES = 64 * 1024


def parts_of(request: web.Request) -> Components:
    return request.app[COMPONENTS]


def error_response(error: AppError) -> web.Response:
    return web.json_response({"error": error.to_body()}, status=error.http_status)


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except AppError as error:
        return error_response(error)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        code = {404: "not_found", 405: "invalid_payload", 413: "invalid_payload"}.get(
            exc.status, "invalid_payload"
        )
        return web.json_response(
            {"error": {"code": code, "message": exc.reason}}, status=exc.status
        )
    except Exception:
        log.exception("request %s %s failed", request.method, request.path)
        return error_response(AppError("unavailable", "服务器暂时无法处理，请稍后重试"))


async def json_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise AppError("invalid_payload", "请求体过大")
    raw = await request.read()
    if len(raw) > MAX_BODY_BYTES:
        raise AppError("invalid_payload", "请求体过大")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, nested past the parser's depth, or a number with more digits
        # than Python converts: the client's fault, whatever the parser calls it.
        raise AppError("invalid_payload", "请求体不是合法的 JSON") from None
    if not isinstance(body, dict):
        raise AppError("invalid_payload", "请求体必须是 JSON 对象")
    return body


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_agent(request: web.Request) -> AuthenticatedAgent:
    return await parts_of(request).auth.authenticate(bearer_token(request))


async def current_supervisor(request: web.Request, refusal: str) -> AuthenticatedAgent:
    """The caller, a supervisor or an admin; anyone else is refused with `refusal` (403)
    before any input is read, so a plain agent learns nothing from validation."""
    actor = await current_agent(request)
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", refusal)
    return actor


def path_id(request: web.Request, name: str) -> int:
    raw = request.match_info.get(name, "")
    # ASCII digits only: str.isdigit() also accepts 「²」 and 「１」, which int() refuses or reads.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise AppError("not_found", "对象不存在")
    return int(raw)


# Room for a multipart form's boundaries and headers around the file.
MULTIPART_SLACK = 64 * 1024
CHUNK = 64 * 1024


async def _read_capped(stream: BodyPartReader | web.Request, limit: int, too_large: str) -> bytes:
    data = bytearray()
    while True:
        chunk = (
            await stream.read_chunk(CHUNK)
            if isinstance(stream, BodyPartReader)
            else await stream.content.read(CHUNK)
        )
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > limit:
            raise AppError("too_large", too_large)


async def file_body(request: web.Request, limit: int, too_large: str, *, missing: str) -> bytes:
    """An uploaded file (a photo, an FAQ file): the first file field of a multipart form, or
    the raw body; read in chunks and refused as soon as it passes `limit` bytes."""
    if request.content_length is not None and request.content_length > limit + MULTIPART_SLACK:
        raise AppError("too_large", too_large)
    if request.content_type != "multipart/form-data":
        return await _read_capped(request, limit, too_large)
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and (part.name == "file" or part.filename):
                return await _read_capped(part, limit, too_large)
            if isinstance(part, BodyPartReader):
                await part.release()
    except ValueError:
        raise invalid("上传的表单格式不正确") from None
    raise invalid(missing, field="file")

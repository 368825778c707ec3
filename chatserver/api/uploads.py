"""Photo uploads (`POST /api/uploads`) and the signed photo URLs (`GET /media/{key}`).

Who uploads is settled from the Authorization header before the body is read: the shopper's
widget sends `Visitor <upload_token>` (the ticket of its /visitor `session`; an anonymous
shopper's own token also works), an agent `Bearer <token>`
with `?conversation_id=`. The body is the file itself, raw or as the first file of a
multipart form; it is read in chunks and refused as soon as it passes 10 MB.
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.web_log import AccessLogger

from chatserver.actions.photos import UploadTarget
from chatserver.api.common import file_body, parts_of
from chatserver.api.routes import PUBLIC, Access, Param, Route, add, integer
from chatserver.commands.chat import parse_conversation_id
from chatserver.domain.media import MAX_UPLOAD_BYTES, TOO_LARGE, content_type_of, is_media_key
from chatserver.errors import AppError, invalid
from chatserver.views.schemas import Uploaded


def _credentials(request: web.Request) -> tuple[str, str]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    scheme, token = scheme.lower(), token.strip()
    if scheme not in ("visitor", "bearer") or not token:
        raise AppError("unauthorized", "请先登录，或打开客服对话后再上传")
    return scheme, token


async def _target(request: web.Request) -> UploadTarget:
    scheme, token = _credentials(request)
    parts = parts_of(request)
    if scheme == "visitor":
        return await parts.photos.visitor_target(token)
    actor = await parts.auth.authenticate(token)
    raw = request.query.get("conversation_id")
    if raw is None:
        raise invalid("请指定 conversation_id", field="conversation_id")
    return await parts.photos.agent_target(actor, parse_conversation_id(raw))


async def upload(request: web.Request) -> web.Response:
    target = await _target(request)
    parts_of(request).photos.check_may_upload(target)
    data = await file_body(request, MAX_UPLOAD_BYTES, TOO_LARGE, missing="表单中没有图片文件")
    return web.json_response(await parts_of(request).photos.do_upload(target, data), status=201)


async def media(request: web.Request) -> web.StreamResponse:
    """A photo's bytes, for whoever holds a URL we signed and that has not expired."""
    key = request.match_info["key"]
    links = parts_of(request).media_links
    if not is_media_key(key) or not links.allows(
        key, request.query.get("exp"), request.query.get("sig")
    ):
        raise AppError("forbidden", "图片链接无效或已过期")
    data = await parts_of(request).media_store.get(key)
    if data is None:
        raise AppError("not_found", "图片不存在")
    max_age = max(0, int(request.query["exp"]) - int(time.time()))
    return web.Response(
        body=data,
        content_type=content_type_of(key),
        headers={
            "X-Content-Type-Options": "nosniff",
            # The URL is unique to its key and expiry and its bytes never change.
            "Cache-Control": f"private, max-age={max_age}, immutable",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Referrer-Policy": "no-referrer",
        },
    )


class AccessLogWithoutMediaSignatures(AccessLogger):
    """The access log, with photo URLs cut at the `?`: a logged signature would let whoever
    reads the logs open a shopper's photo for an hour."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if request.path.startswith("/media/") and request.query_string:
            request = request.clone(rel_url=request.rel_url.with_query(None))
        super().log(request, response, time)


def add_routes(app: web.Application) -> None:
    add(
        app,
        "图片",
        [
            Route(
                "POST",
                "/api/uploads",
                upload,
                "上传图片",
                Access(roles=("agent", "supervisor", "admin"), visitor=True),
                upload=True,
                query=(integer("conversation_id", "客服上传时必填：发到哪个会话"),),
                response=Uploaded,
                status=201,
                errors=("forbidden", "too_large", "unsupported_media", "rate_limited"),
                description=(
                    "顾客用 `Visitor <upload_token>`（session 中的上传凭证），"
                    "客服用 `Bearer <token>` 并带 `conversation_id`。"
                ),
            ),
            Route(
                "GET",
                "/media/{key:.+}",
                media,
                "图片（签名链接）",
                PUBLIC,
                path_schemas={"key": {"type": "string"}},
                query=(
                    Param("exp", {"type": "string"}, "链接的过期时间（Unix 秒）", required=True),
                    Param("sig", {"type": "string"}, "签名", required=True),
                ),
                files=("image",),
                errors=("forbidden",),
            ),
        ],
    )

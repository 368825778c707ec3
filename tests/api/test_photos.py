"""Photos both ways, over real HTTP and Socket.IO clients, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from PIL import Image
from sqlalchemy import func, select

from chatserver.db.models import Attachment, Message
from chatserver.domain import media_links
from tests.conftest import AgentClient, LiveServer, Visitor
from tests.images import (
    GPS_IFD,
    HEIC_PHOTO,
    exif_of,
    photo_with_gps,
    png,
    png_bomb,
    renamed_executable,
)


async def upload(
    server: LiveServer,
    data: bytes,
    *,
    visitor: Visitor | None = None,
    agent: AgentClient | None = None,
    conversation_id: int | None = None,
    multipart: bool = False,
    filename: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> tuple[int, Any]:
    headers = {}
    if visitor is not None:
        # What the widget sends: the upload ticket of its latest `session`.
        headers["Authorization"] = f"Visitor {visitor.session['upload_token']}"
    if agent is not None:
        headers["Authorization"] = f"Bearer {agent.token}"
    query = f"?conversation_id={conversation_id}" if conversation_id is not None else ""
    body: Any = data
    if multipart:
        body = aiohttp.FormData()
        body.add_field("file", data, filename=filename, content_type=content_type)
    else:
        headers["Content-Type"] = content_type
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{server.url}/api/uploads{query}", data=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def fetch(server: LiveServer, url: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http, http.get(server.url + url) as response:
        return response.status, dict(response.headers), await response.read()


async def send_photo(
    client: Visitor | AgentClient, attachment_id: str, client_id: str | None = None, **extra: Any
) -> Any:
    payload = {
        "client_id": client_id or uuid.uuid4().hex,
        "kind": "image",
        "attachment_id": attachment_id,
        **extra,
    }
    return await client.call("message", payload)


def stored_files(server: LiveServer) -> list[Path]:
    root = server.settings.data_dir / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def count_attachments(server: LiveServer) -> int:
    async with server.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Attachment)) or 0)


async def assigned_chat(server: LiveServer) -> tuple[AgentClient, Visitor, int]:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    await visitor.send("转人工")
    await agent.wait_for("assigned")
    await visitor.wait_for("assigned")
    return agent, visitor, visitor.session["conversation_id"]


async def test_a_shopper_photo_reaches_the_agent_without_its_gps_and_hands_the_chat_over(
    server: LiveServer,
) -> None:
    agent = await server.agent(status="online")
    visitor = await server.visitor()
    status, body = await upload(server, photo_with_gps(), visitor=visitor, multipart=True)
    assert status == 201, body
    attachment = body["attachment"]
    # The EXIF orientation (6) is applied: the 1200×900 landscape pixels are a portrait photo.
    assert (attachment["width"], attachment["height"]) == (900, 1200)
    assert attachment["content_type"] == "image/jpeg"

    ack = await send_photo(visitor, attachment["id"])
    assert ack["ok"], ack
    message = ack["message"]
    assert message["kind"] == "image" and message["text"] == "[图片]"
    image = message["meta"]["image"]
    assert (image["width"], image["height"]) == (900, 1200)
    assert max(image["thumb_width"], image["thumb_height"]) <= 480
    assert "key" not in image and "thumb_key" not in image
    # The bot cannot look at a photo: a person is asked for at once.
    assert ack["status"] == "queued"

    assigned = await agent.wait_for("assigned")
    assert assigned["conversation"]["handoff_reason"] == "photo"
    seen = next(m for m in assigned["messages"] if m["kind"] == "image")
    for url in (seen["meta"]["image"]["url"], seen["meta"]["image"]["thumb_url"]):
        status, headers, data = await fetch(server, url)
        assert status == 200
        assert headers["Content-Type"] == "image/jpeg"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=" in headers["Cache-Control"]
        assert GPS_IFD not in exif_of(data) and exif_of(data) == {}
        assert b"home address" not in data
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.size == (seen["meta"]["image"]["thumb_width"], 480)

    # Archived under the shopper: media/<shop>/<visitor>/…
    files = stored_files(server)
    assert len(files) == 2
    shop_id = assigned["conversation"]["shop"]["id"]
    assert all(
        f.parent
        == server.settings.data_dir / "media" / str(shop_id) / str(visitor.session["visitor"]["id"])
        for f in files
    )


async def test_an_agent_photo_reaches_the_shopper_and_history_carries_fresh_urls(
    server: LiveServer,
) -> None:
    agent, visitor, conversation_id = await assigned_chat(server)
    status, body = await upload(
        server, png(), agent=agent, conversation_id=conversation_id, content_type="image/png"
    )
    assert status == 201, body
    ack = await send_photo(agent, body["attachment"]["id"], conversation_id=conversation_id)
    assert ack["ok"], ack
    seen = await visitor.wait_for("message", lambda m: m["kind"] == "image")
    assert seen["sender"] == "agent"
    status, headers, data = await fetch(server, seen["meta"]["image"]["url"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (320, 200)

    # A reload: the history is serialized again, with URLs signed for now.
    again = await server.visitor(token=visitor.session["token"])
    replayed = next(m for m in again.session["messages"] if m["kind"] == "image")
    assert (await fetch(server, replayed["meta"]["image"]["thumb_url"]))[0] == 200
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{server.url}/api/conversations/{conversation_id}",
            headers={"Authorization": f"Bearer {agent.token}"},
        ) as response:
            detail = await response.json()
    rest_copy = next(m for m in detail["messages"] if m["kind"] == "image")
    assert (await fetch(server, rest_copy["meta"]["image"]["url"]))[0] == 200


async def test_a_photo_is_posted_once_whatever_the_resends(server: LiveServer) -> None:
    visitor = await server.visitor()
    _, body = await upload(server, png(), visitor=visitor, content_type="image/png")
    first = await send_photo(visitor, body["attachment"]["id"], client_id="photo-1")
    again = await send_photo(visitor, body["attachment"]["id"], client_id="photo-1")
    assert first["ok"] and again["ok"]
    assert again["message"]["id"] == first["message"]["id"]
    other_id = await send_photo(visitor, body["attachment"]["id"], client_id="photo-2")
    assert other_id["ok"] is False and other_id["error"]["code"] == "conflict"
    async with server.db.sessions() as session:
        images = await session.scalar(
            select(func.count()).select_from(Message).where(Message.kind == "image")
        )
    assert images == 1


async def test_nobody_else_can_post_or_fetch_a_photo(server: LiveServer) -> None:
    agent, owner, conversation_id = await assigned_chat(server)
    stranger = await server.visitor()
    _, body = await upload(server, png(), visitor=owner, content_type="image/png")
    photo_id = body["attachment"]["id"]

    refused = await send_photo(stranger, photo_id)
    assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    # Not even the agent of that chat may post the shopper's upload as their own.
    by_agent = await send_photo(agent, photo_id, conversation_id=conversation_id)
    assert by_agent["ok"] is False and by_agent["error"]["code"] == "not_found"
    # An agent cannot upload into a chat that is not theirs.
    other_chat = stranger.session["conversation_id"]
    status, error = await upload(server, png(), agent=agent, conversation_id=other_chat)
    assert status == 403 and error["error"]["code"] == "forbidden"

    ack = await send_photo(owner, photo_id)
    assert ack["ok"] and ack["status"] == "assigned"
    live = await agent.wait_for("message", lambda m: m["kind"] == "image")
    assert (await fetch(server, live["meta"]["image"]["url"]))[0] == 200
    url = ack["message"]["meta"]["image"]["url"]
    key = urlsplit(url).path.removeprefix("/media/")
    # The stranger holds a valid shopper token, but no URL: the key alone opens nothing.
    for bare in (f"/media/{key}", f"/media/{key}?exp=9999999999&sig=x"):
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                server.url + bare,
                headers={"Authorization": f"Visitor {stranger.session['token']}"},
            ) as response,
        ):
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "forbidden"
    assert not any(m["kind"] == "image" for m in stranger.received("message"))


async def test_forged_and_expired_urls_are_refused(server: LiveServer) -> None:
    visitor = await server.visitor()
    _, body = await upload(server, png(), visitor=visitor, content_type="image/png")
    url = body["attachment"]["url"]
    assert (await fetch(server, url))[0] == 200
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    exp, sig = int(query["exp"][0]), query["sig"][0]
    key = parts.path.removeprefix("/media/")
    thumb_key = urlsplit(body["attachment"]["thumb_url"]).path.removeprefix("/media/")

    longer = f"/media/{key}?exp={exp + 86400}&sig={sig}"
    other_key = f"/media/{thumb_key}?exp={exp}&sig={sig}"
    forged = f"/media/{key}?exp={exp}&sig={sig[:-2]}AA"
    signing = media_links.signing_key(server.settings.secret_key)
    past = int(time.time()) - 10
    expired = media_links.signed_path(signing, key, past)
    unicode_exp = f"/media/{key}?exp=%C2%B2{exp}&sig={sig}"
    unicode_sig = f"/media/{key}?exp={exp}&sig=%E4%B8%AD{sig[1:]}"
    for bad in (
        longer,
        other_key,
        forged,
        expired,
        unicode_exp,
        unicode_sig,
        f"/media/../secret_key?exp={exp}&sig={sig}",
    ):
        status, _headers, _data = await fetch(server, bad)
        assert status in (403, 404), bad
        if "/../" not in bad:
            assert status == 403


async def test_bad_files_are_refused_with_nothing_stored(server: LiveServer) -> None:
    cases = [
        (renamed_executable(), 415, "unsupported_media"),
        (b"GIF89a" + b"\x00" * 100, 415, "unsupported_media"),
        (png_bomb(), 413, "too_large"),
        (photo_with_gps()[:3000], 400, "invalid_payload"),
        (b"", 400, "invalid_payload"),
        (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), 413, "too_large"),
    ]
    for data, status_expected, code in cases:
        for multipart in (False, True):
            # A shopper of their own for each try: every attempt counts against the uploader's
            # rate limit (checked before the body is read), refused or not.
            visitor = await server.visitor()
            status, body = await upload(server, data, visitor=visitor, multipart=multipart)
            assert (status, body["error"]["code"]) == (status_expected, code), (code, multipart)
            assert body["error"]["message"]
    assert stored_files(server) == []
    assert await count_attachments(server) == 0


async def test_uploads_need_a_shopper_or_an_agent(server: LiveServer) -> None:
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Visitor forged"}, {"Authorization": "Bearer x"}):
            async with http.post(f"{server.url}/api/uploads", data=png(), headers=headers) as r:
                assert r.status == 401
                assert (await r.json())["error"]["code"] == "unauthorized"
    agent = await server.agent()
    status, body = await upload(server, png(), agent=agent)
    assert status == 400 and body["error"]["field"] == "conversation_id"
    assert stored_files(server) == []


async def test_an_iphone_heic_photo_is_stored_as_jpeg(server: LiveServer) -> None:
    visitor = await server.visitor()
    status, body = await upload(
        server, HEIC_PHOTO.read_bytes(), visitor=visitor, content_type="image/heic"
    )
    assert status == 201, body
    assert body["attachment"]["content_type"] == "image/jpeg"
    assert (body["attachment"]["width"], body["attachment"]["height"]) == (64, 48)
    status, headers, _ = await fetch(server, body["attachment"]["url"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg"


async def test_a_chat_cannot_pile_up_photos_nobody_sends(server: LiveServer) -> None:
    agent, visitor, conversation_id = await assigned_chat(server)
    shopper = [
        (await upload(server, png(), visitor=visitor, content_type="image/png"))[0]
        for _ in range(10)
    ]
    assert shopper == [201] * 10
    # The agent has a rate limit of their own, but the chat's unsent photos are capped at 12.
    staff = [
        (
            await upload(
                server,
                png(),
                agent=agent,
                conversation_id=conversation_id,
                content_type="image/png",
            )
        )
        for _ in range(3)
    ]
    assert [status for status, _ in staff] == [201, 201, 429]
    assert staff[2][1]["error"]["code"] == "rate_limited"
    async with server.db.sessions() as session:
        unsent = await session.scalar(select(func.count()).where(Attachment.message_id.is_(None)))
    assert unsent == 12

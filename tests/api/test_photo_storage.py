"""Where photos live over time and across processes, over real HTTP and Socket.IO clients on
SQLite and PostgreSQL: uploads nobody posts are removed after the shop's setting, posted ones
never; with CHATSERVER_MEDIA_STORE=database a second process serves what the first stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from chatserver.db.media import MediaBlob
from chatserver.db.models import Attachment, utcnow
from tests.api.test_photos import (
    assigned_chat,
    count_attachments,
    fetch,
    send_photo,
    stored_files,
    upload,
)
from tests.conftest import LiveServer, running_server
from tests.images import png


async def _age_uploads(server: LiveServer, attachment_ids: list[str], hours: float) -> None:
    async with server.db.transaction() as tx:
        await tx.session.execute(
            update(Attachment)
            .where(Attachment.id.in_(attachment_ids))
            .values(created_at=utcnow() - timedelta(hours=hours))
        )


async def test_photos_never_posted_are_removed_after_a_day_and_posted_ones_stay(
    server: LiveServer,
) -> None:
    agent, visitor, _conversation_id = await assigned_chat(server)
    posted = (await upload(server, png(), visitor=visitor, content_type="image/png"))[1]
    forgotten = (await upload(server, png(), visitor=visitor, content_type="image/png"))[1]
    recent = (await upload(server, png(), visitor=visitor, content_type="image/png"))[1]
    ack = await send_photo(visitor, posted["attachment"]["id"])
    assert ack["ok"], ack
    await agent.wait_for("message", lambda m: m["kind"] == "image")
    await _age_uploads(
        server, [posted["attachment"]["id"], forgotten["attachment"]["id"]], hours=25
    )
    assert len(stored_files(server)) == 6

    assert await server.parts.upload_sweep.run_once() == 1

    assert await count_attachments(server) == 2
    assert len(stored_files(server)) == 4
    # The forgotten photo's link and its id are dead; the shopper is told to upload again.
    status, _headers, _body = await fetch(server, forgotten["attachment"]["url"])
    assert status == 404
    late = await send_photo(visitor, forgotten["attachment"]["id"])
    assert not late["ok"] and late["error"]["code"] == "not_found"
    # The posted photo and the one uploaded a minute ago are untouched.
    for kept in (posted, recent):
        status, _headers, _body = await fetch(server, kept["attachment"]["url"])
        assert status == 200
    assert (await send_photo(visitor, recent["attachment"]["id"]))["ok"]
    # Nothing more is due.
    assert await server.parts.upload_sweep.run_once() == 0


async def test_the_shop_sets_how_long_unposted_photos_are_kept(
    database_url: str, tmp_path: Path
) -> None:
    async with running_server(
        database_url, tmp_path, CHATSERVER_UNSENT_UPLOAD_HOURS="72"
    ) as server:
        _agent, visitor, _conversation_id = await assigned_chat(server)
        body = (await upload(server, png(), visitor=visitor, content_type="image/png"))[1]
        await _age_uploads(server, [body["attachment"]["id"]], hours=48)
        assert await server.parts.upload_sweep.run_once() == 0
        await _age_uploads(server, [body["attachment"]["id"]], hours=73)
        assert await server.parts.upload_sweep.run_once() == 1


async def test_with_the_database_store_another_process_serves_the_photo(
    database_url: str, tmp_path: Path
) -> None:
    store = {"CHATSERVER_MEDIA_STORE": "database"}
    async with (
        running_server(database_url, tmp_path / "one", **store) as first,
        running_server(database_url, tmp_path / "two", **store) as second,
    ):
        agent, visitor, _conversation_id = await assigned_chat(first)
        status, body = await upload(first, png(), visitor=visitor, content_type="image/png")
        assert status == 201, body
        assert (await send_photo(visitor, body["attachment"]["id"]))["ok"]
        image = (await agent.wait_for("message", lambda m: m["kind"] == "image"))["meta"]["image"]
        # No file on either disk: the bytes are rows every process reads.
        assert stored_files(first) == [] and stored_files(second) == []
        for url in (image["url"], image["thumb_url"]):
            status, headers, data = await fetch(second, url)
            assert status == 200 and headers["Content-Type"] == "image/png"
            assert data.startswith(b"\x89PNG")
        async with first.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(MediaBlob)) == 2

        # A photo never posted is removed from the database store too.
        forgotten = (await upload(first, png(), visitor=visitor, content_type="image/png"))[1]
        await _age_uploads(first, [forgotten["attachment"]["id"]], hours=25)
        assert await second.parts.upload_sweep.run_once() == 1
        async with first.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(MediaBlob)) == 2


def test_an_unknown_media_store_is_a_clear_configuration_error(tmp_path: Path) -> None:
    from chatserver.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="CHATSERVER_MEDIA_STORE"):
        load_settings(
            {"CHATSERVER_DATA_DIR": str(tmp_path), "CHATSERVER_MEDIA_STORE": "s3"},
            host="127.0.0.1",
            port=0,
        )


async def test_photos_stored_on_disk_before_the_switch_stay_readable_and_can_be_copied_in(
    database_url: str, tmp_path: Path
) -> None:
    from chatserver.__main__ import main

    # Several processes share one SECRET_KEY (the photo links are signed with it).
    shared = {"SECRET_KEY": "one-key-for-every-process-0123456789"}
    async with running_server(database_url, tmp_path, **shared) as local:
        agent, visitor, _conversation_id = await assigned_chat(local)
        body = (await upload(local, png(), visitor=visitor, content_type="image/png"))[1]
        assert (await send_photo(visitor, body["attachment"]["id"]))["ok"]
        await agent.wait_for("message", lambda m: m["kind"] == "image")
        assert len(stored_files(local)) == 2
    store = {"CHATSERVER_MEDIA_STORE": "database", **shared}
    async with running_server(database_url, tmp_path, **store) as switched:
        # Same data directory: the photo taken before the switch is still served.
        history = await switched.agent()
        chat = await history.wait_for("assigned")
        image = next(m for m in chat["messages"] if m["kind"] == "image")["meta"]["image"]
        assert (await fetch(switched, image["url"]))[0] == 200
    async with running_server(database_url, tmp_path / "elsewhere", **store) as other:
        # Another process with its own disk has no such file until the photos are copied in.
        assert (await fetch(other, image["url"]))[0] == 404
    environ = {
        "CHATSERVER_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        **shared,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        assert await asyncio.to_thread(main, ["copy-media"]) == 0
    async with running_server(database_url, tmp_path / "elsewhere", **store) as other:
        assert (await fetch(other, image["url"]))[0] == 200

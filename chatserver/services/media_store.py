"""Where photo bytes live: a small interface, on the local disk or in the database.

Keys come from domain/media.py (`shop/visitor/attachment[.thumb].ext`, numbers and random ids
only) and are checked again here, so no path component is ever chosen by a user. The local disk
serves one process (or several sharing a mount); the database store serves any number of
processes with nothing more to run. A shop that outgrows both implements `MediaStore` on an
S3-compatible bucket; nothing else changes.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from chatserver.db.base import utcnow
from chatserver.db.engine import Database
from chatserver.db.media import MediaBlob
from chatserver.domain.media import content_type_of, is_media_key


class MediaStore(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes | None: ...
    async def delete(self, key: str) -> None: ...


class LocalMediaStore:
    """Files under `root` (`$CHATSERVER_DATA_DIR/media`), one folder per shop and shopper."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        if not is_media_key(key):
            raise ValueError(f"not a media key: {key!r}")
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"media key outside the store: {key!r}")
        return path

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        # Written aside and renamed: a reader never sees half a photo, even after a crash.
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.chmod(0o640)
        partial.replace(path)

    def _read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def _delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """The media keys of every stored file (half-written `.part` files are not keys)."""
        if not self.root.is_dir():
            return []
        found = (path.relative_to(self.root).as_posix() for path in self.root.rglob("*"))
        return sorted(key for key in found if is_media_key(key))

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, key, data)

    async def get(self, key: str) -> bytes | None:
        return await asyncio.to_thread(self._read, key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)


class DatabaseMediaStore:
    """Rows of `media_blobs` (CHATSERVER_MEDIA_STORE=database): every process reads what any
    other wrote, and the photos are backed up with the database. Photos stored on this
    process's disk before the switch are still read from there (and removed from there);
    `python -m chatserver copy-media` copies them in so every process has them."""

    def __init__(self, db: Database, earlier: LocalMediaStore | None = None) -> None:
        self.db = db
        self.earlier = earlier

    @staticmethod
    def _check(key: str) -> None:
        if not is_media_key(key):
            raise ValueError(f"not a media key: {key!r}")

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self._check(key)
        values = {
            "key": key,
            "content_type": content_type,
            "size_bytes": len(data),
            "data": data,
            "created_at": utcnow(),
        }
        insert = pg_insert if self.db.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(MediaBlob).values(values)
        # A key is a fresh random id, so a conflict is only ever a retry of the same bytes.
        statement = statement.on_conflict_do_update(
            index_elements=[MediaBlob.key],
            set_={name: statement.excluded[name] for name in values if name != "key"},
        )
        async with self.db.transaction() as tx:
            await tx.session.execute(statement)

    async def get(self, key: str) -> bytes | None:
        self._check(key)
        async with self.db.sessions() as session:
            data: bytes | None = await session.scalar(
                select(MediaBlob.data).where(MediaBlob.key == key)
            )
        if data is None and self.earlier is not None:
            return await self.earlier.get(key)
        return data

    async def delete(self, key: str) -> None:
        self._check(key)
        async with self.db.transaction() as tx:
            await tx.session.execute(delete(MediaBlob).where(MediaBlob.key == key))
        if self.earlier is not None:
            await self.earlier.delete(key)

    async def copy_in(self, files: LocalMediaStore) -> int:
        """Copy every photo file under `files` into the database: how many were copied."""
        copied = 0
        for key in await asyncio.to_thread(files.keys):
            data = await files.get(key)
            if data is not None:
                await self.put(key, data, content_type_of(key))
                copied += 1
        return copied

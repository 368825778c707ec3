"""Photo bytes kept in the database, for several processes without a shared disk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, UTCDateTime


class MediaBlob(Base):
    """One stored file of services/media_store.DatabaseMediaStore, by its media key."""

    __tablename__ = "media_blobs"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

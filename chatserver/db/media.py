"""Photos uploaded into chats, photo bytes kept in the database, for several processes without a shared disk, and the
product images fetched for cards (actions/card_images.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class MediaBlob(Base):
    """One stored file of services/media_store.DatabaseMediaStore, by its media key."""

    __tablename__ = "media_blobs"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CardImage(Base):
    """A product image fetched once per shop and URL, re-encoded and kept in the MediaStore:
    every card that names the same URL shows these files."""

    __tablename__ = "card_images"
    __table_args__ = (UniqueConstraint("shop_id", "url_hash"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    # sha256 of the URL: URLs run to 2,000 characters, too long for a portable unique index.
    url_hash: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A photo uploaded into a conversation, archived under its shopper; `message_id` is set
    once it has been posted (a photo is posted at most once)."""

    __tablename__ = "attachments"

    # Random and unguessable: the upload id clients hold (domain/media.py ATTACHMENT_ID).
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitors.id", ondelete="CASCADE"), index=True
    )
    # visitor | agent: who uploaded it, and so who may post it.
    uploader: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

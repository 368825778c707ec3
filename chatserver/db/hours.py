"""A shop's service hours (营业时间), one row per shop; no row means the manual's shifts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class ShopHours(Base):
    __tablename__ = "shop_hours"

    shop_id: Mapped[int] = mapped_column(
        Id, ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    # The wire form of domain/hours_settings.py, checked before it is stored.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The admin who saved it; an agent id without a foreign key, a record like event actors.
    updated_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

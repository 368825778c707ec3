"""The admin console's record of every change to agents and groups: who, when, what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class StaffChange(Base):
    __tablename__ = "staff_changes"
    __table_args__ = (Index("ix_staff_changes_shop_created", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    # A record, like conversation_events.actor_id: no foreign key, the name is kept.
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    # agent_created, agent_updated, password_reset, agent_disabled, agent_enabled,
    # group_created, group_updated, group_deleted
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

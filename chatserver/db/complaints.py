"""Complaint records (投诉) and their history: what happened to each, by whom, when.

A complaint's history rows are only ever added, never changed or removed while the complaint
exists: the record says who escalated it and when even after it is settled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_shop_status", "shop_id", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"))
    # The agent responsible (who registered it, or who served the chat when it was handled);
    # None for one opened automatically and not yet handled.
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    # agent | auto (the shopper's complaint handed the chat to a person)
    opened_by: Mapped[str] = mapped_column(String(16))
    matter: Mapped[str] = mapped_column(Text)
    demand_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    demand_text: Mapped[str] = mapped_column(Text, default="")
    handling: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    # open | resolved | closed (domain/complaints.py)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # 0 客服, 1 组长, 2 主管/经理, 3 店长; only ever rises.
    level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ComplaintEvent(Base):
    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )
    # opened | edited | escalated | resolved | closed
    type: Mapped[str] = mapped_column(String(16))
    # agent | bot; an agent id without a foreign key, like conversation_events.actor_id.
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

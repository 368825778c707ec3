"""Handovers: a chat passed to a colleague or a group with a note (转接), and the shift
handover summary an agent leaves for the next shift (交接记录)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class ShiftHandover(Base):
    """What an agent ending a shift wrote for the next one: what is urgent, whom to contact."""

    __tablename__ = "shift_handovers"
    __table_args__ = (Index("ix_shift_handovers_shop_created", "shop_id", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    # The chats it covers and the groups whose next shift should read it (the author's).
    conversation_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShiftHandoverRead(Base):
    """An agent dismissed a shift handover summary: it is no longer shown to them on login."""

    __tablename__ = "shift_handover_reads"

    handover_id: Mapped[int] = mapped_column(
        ForeignKey("shift_handovers.id", ondelete="CASCADE"), primary_key=True
    )
    agent_id: Mapped[int] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChatHandover(Base):
    """One chat handed on: to an agent or a group (a transfer), or back to its group's queue at
    the end of a shift (kind `shift`, or `auto` when the agent left without writing one)."""

    __tablename__ = "chat_handovers"
    __table_args__ = (Index("ix_chat_handovers_conversation", "conversation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    from_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    from_agent_name: Mapped[str] = mapped_column(String(64))
    to_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    to_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("agent_groups.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(Text)
    shift_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_handovers.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

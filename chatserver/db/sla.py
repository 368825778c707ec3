"""SLA policies (domain/sla_policy.py): one row for the shop (group_id NULL) and one per group
that has its own. No row: the defaults of the shop manuals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class SlaPolicyRow(Base):
    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    # NULL: the shop's own policy (one per shop, kept so by the action under the shop's lock).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("agent_groups.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    first_response_s: Mapped[int] = mapped_column(Integer)
    next_response_s: Mapped[int] = mapped_column(Integer)
    resolution_s: Mapped[int] = mapped_column(Integer)
    warn_percent: Mapped[int] = mapped_column(Integer)
    business_hours_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shop row only: an assigned chat unanswered this long goes to another agent (NULL: off).
    reassign_after_s: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""What the bot learns from: the questions it handled, and phrasings agents' answers suggest.

`bot_questions` has one row per shopper message the bot handled (written in the bot's own
transaction), so the admin console can list what it could not answer and reports can count
what it did. `faq_proposals` holds a shopper's wording an agent answered with an FAQ
suggestion: a similar question for that entry, added only when a supervisor approves it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime, utcnow


class BotQuestion(Base):
    __tablename__ = "bot_questions"
    __table_args__ = (
        Index("ix_bot_questions_shop_created", "shop_id", "created_at"),
        Index("ix_bot_questions_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    # answered | chosen | suggested | fallback | handoff | requested | small_talk
    # (domain/bot_gaps.py says which of them the bot could not answer).
    outcome: Mapped[str] = mapped_column(String(16))
    # The best candidate entry and its score (0-100) when the matcher had one. A record, not
    # a reference: the entry may be deleted later.
    faq_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The shopper asked for a person right after the bot answered this: it did not help.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # How a supervisor handled it: similar (added as a similar question), created (a new
    # entry), dismissed. Handled questions leave the list.
    resolution: Mapped[str | None] = mapped_column(String(16), nullable=True)
    resolved_faq_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FaqProposal(Base):
    """A shopper's wording proposed as a similar question of an entry (an agent answered it
    with that entry's suggestion); pending until approved or rejected, never added silently."""

    __tablename__ = "faq_proposals"
    __table_args__ = (
        UniqueConstraint("faq_id", "text"),
        Index("ix_faq_proposals_shop_status", "shop_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    faq_id: Mapped[int] = mapped_column(ForeignKey("faq_entries.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    # The latest conversation and agent behind it; `times`: how often agents answered it so.
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    agent_name: Mapped[str] = mapped_column(String(64))
    times: Mapped[int] = mapped_column(Integer, default=1)
    # pending | approved | rejected
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

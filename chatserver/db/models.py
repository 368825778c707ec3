"""The data model. One table per concept; every time stored in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chatserver.db.base import Base, Id, UTCDateTime

# Re-exported: every table is reachable from here (Alembic, tests), and the clock the actions
# stamp rows with.
from chatserver.db.base import utcnow as utcnow
from chatserver.db.complaints import Complaint as Complaint
from chatserver.db.complaints import ComplaintEvent as ComplaintEvent
from chatserver.db.groups import Group as Group
from chatserver.db.groups import GroupMember as GroupMember
from chatserver.db.handovers import ChatHandover as ChatHandover
from chatserver.db.handovers import ShiftHandover as ShiftHandover
from chatserver.db.handovers import ShiftHandoverRead as ShiftHandoverRead
from chatserver.db.hours import ShopHours as ShopHours
from chatserver.db.integrations import ApiKey as ApiKey
from chatserver.db.integrations import WebhookDelivery as WebhookDelivery
from chatserver.db.integrations import WebhookEndpoint as WebhookEndpoint
from chatserver.db.learning import BotQuestion as BotQuestion
from chatserver.db.learning import FaqProposal as FaqProposal
from chatserver.db.media import Attachment as Attachment
from chatserver.db.media import CardImage as CardImage
from chatserver.db.media import MediaBlob as MediaBlob
from chatserver.db.sla import SlaPolicyRow as SlaPolicyRow
from chatserver.db.staff import StaffChange as StaffChange
from chatserver.db.supervision import SupervisionAudit as SupervisionAudit
from chatserver.domain.greeting import DEFAULT_FAREWELL


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # {shop} is replaced by the shop's name; see domain/greeting.py.
    greeting_template: Mapped[str] = mapped_column(Text)
    # Sent when an agent closes a chat: {shop} and {agent} (the closing agent's name).
    farewell_template: Mapped[str] = mapped_column(
        Text, default=DEFAULT_FAREWELL, server_default=DEFAULT_FAREWELL
    )
    # Bumped on every FAQ or phrase edit; each process rebuilds its index when it sees a new one.
    faq_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The shop's own politeness word lists, {category: [...]}; null or a missing category
    # follows the defaults (domain/politeness_words.py).
    politeness_words: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    # Signs logged-in customers' ids for identify(); admins only (actions/identity_secret.py).
    identity_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Pre-chat fields and the proactive invitation (domain/widget_settings.py); None: defaults.
    widget_settings: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    max_chats: Mapped[int] = mapped_column(Integer, default=5)
    # online | away | offline; what routing reads. Connections are tracked by the realtime layer.
    status: Mapped[str] = mapped_column(String(16), default="offline")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set by an admin: cannot log in, sessions revoked, never routed to.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AgentSession(Base):
    __tablename__ = "agent_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Visitor(Base):
    __tablename__ = "visitors"
    # One visitor per shop customer: every device that identifies as them lands here.
    __table_args__ = (UniqueConstraint("shop_id", "customer_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # 谁的顾客谁跟进: the agent who last served this shopper gets them first next time.
    last_agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The shop's own customer id, set by a verified identify(); None: anonymous.
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    customer_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Merged into a customer (actions/customers.py): this token opens them. No foreign key.
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Product on screen, recent pages, device, pre-chat answers (domain/shopper_context.py).
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_shop_status", "shop_id", "status"),
        Index("ix_conversations_agent_status", "agent_id", "status"),
        # reports: a shop's conversations by when they started
        Index("ix_conversations_shop_created", "shop_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitors.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="bot")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    handoff_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The agent group serving this chat (db/groups.py); None until the first handoff.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("agent_groups.id", ondelete="SET NULL"), nullable=True
    )
    # Consecutive shopper turns the bot could not answer confidently.
    bot_misses: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # The response clock: earliest shopper message not yet answered by a human after handoff.
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The staff-only coloured flag (domain/notes.py), and who last set or cleared it, when.
    # An agent id without a foreign key, like conversation_events.actor_id: a record.
    flag: Mapped[str | None] = mapped_column(String(16), nullable=True)
    flag_changed_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    flag_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Read state (已读): the highest seq each side has seen; only ever moves forward, never
    # past last_seq (actions/read_state.py).
    visitor_read_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    agent_read_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id"),
        UniqueConstraint("conversation_id", "seq"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))
    sender_name: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Agent replies only: how long the shopper had been waiting for a human answer.
    response_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationEvent(Base):
    """One row per state change: who, when, why. Reports read these, not guesses."""

    __tablename__ = "conversation_events"
    # reports count one type (sla_breach) per conversation
    __table_args__ = (Index("ix_conversation_events_type_conversation", "type", "conversation_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationNote(Base):
    """A private note on a conversation: staff read it, the shopper never does."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    # As messages keep sender_name: the note still says who wrote it if the account goes.
    author_name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FaqEntry(Base):
    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    similar: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Phrase(Base):
    """Standard phrases (常用语) agents insert with one click."""

    __tablename__ = "phrases"
    __table_args__ = (UniqueConstraint("shop_id", "shortcut"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32), default="")
    # Typed after `/` in the agent's reply box; stored in lower case (domain/phrases.py).
    shortcut: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rating(Base):
    """A shopper's satisfaction rating (满意度) of one service round.

    A round is one closing of the chat after a person served the shopper; a conversation can be
    reopened by the shopper and closed again, so it can have several. The round is identified by
    the `closed` row of conversation_events (`close_event_id`), not by a counter on the
    conversation: that row is the closing itself, written in the closing's transaction and
    unique by construction, it already says whether a rating was asked for (`data`), and a UNIQUE
    key on it makes "once per round" a database guarantee with no second source of truth to keep
    in step. Reports can join it to learn who closed the chat and when.
    """

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        Index("ix_ratings_shop_created", "shop_id", "created_at"),
        Index("ix_ratings_agent_created", "agent_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    close_event_id: Mapped[int] = mapped_column(
        ForeignKey("conversation_events.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the conversation so reports per shop read one table.
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    # The agent who served the round (not whoever closed it, e.g. a supervisor).
    agent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), nullable=True
    )
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShopperBlock(Base):
    """A shopper on the block list (拒访客户清单), one row each; unblocking deletes it."""

    __tablename__ = "shopper_blocks"
    __table_args__ = (UniqueConstraint("visitor_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"))
    # Where they were blocked from (the event rows); the fixed reply's last time.
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200))
    blocked_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    blocked_by_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

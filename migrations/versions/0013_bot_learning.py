"""bot_questions and faq_proposals: what the bot could not answer, and phrasings to learn

Revision ID: 0013_bot_learning
Revises: 0012_integrations
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_bot_learning"
down_revision: str | None = "0012_integrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "bot_questions",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("message_id", Id, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("faq_id", sa.BigInteger(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolved_faq_id", sa.BigInteger(), nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("bot_questions", "shop_id", "shops", "CASCADE"),
        _fk("bot_questions", "conversation_id", "conversations", "CASCADE"),
        _fk("bot_questions", "message_id", "messages", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_questions")),
    )
    op.create_index(
        "ix_bot_questions_shop_created", "bot_questions", ["shop_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_bot_questions_conversation", "bot_questions", ["conversation_id", "id"], unique=False
    )
    op.create_table(
        "faq_proposals",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("faq_id", Id, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("conversation_id", Id, nullable=True),
        sa.Column("agent_id", Id, nullable=True),
        sa.Column("agent_name", sa.String(length=64), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        _fk("faq_proposals", "shop_id", "shops", "CASCADE"),
        _fk("faq_proposals", "faq_id", "faq_entries", "CASCADE"),
        _fk("faq_proposals", "conversation_id", "conversations", "SET NULL"),
        _fk("faq_proposals", "agent_id", "agents", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_proposals")),
        sa.UniqueConstraint("faq_id", "text", name=op.f("uq_faq_proposals_faq_id_text")),
    )
    op.create_index(
        "ix_faq_proposals_shop_status", "faq_proposals", ["shop_id", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_table("faq_proposals")
    op.drop_table("bot_questions")

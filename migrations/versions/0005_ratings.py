"""ratings: a shopper's satisfaction rating of each service round (one per closing)

Revision ID: 0005_ratings
Revises: 0004_phrases
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ratings"
down_revision: str | None = "0004_phrases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", Id, nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("close_event_id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("agent_id", Id, nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_ratings_score_range")),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_ratings_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["close_event_id"],
            ["conversation_events.id"],
            name=op.f("fk_ratings_close_event_id_conversation_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_ratings_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_ratings_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("close_event_id", name=op.f("uq_ratings_close_event_id")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ratings_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index("ix_ratings_shop_created", ["shop_id", "created_at"], unique=False)
        batch_op.create_index("ix_ratings_agent_created", ["agent_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_agent_created")
        batch_op.drop_index("ix_ratings_shop_created")
        batch_op.drop_index(batch_op.f("ix_ratings_conversation_id"))
    op.drop_table("ratings")

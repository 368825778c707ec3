"""shopper_blocks: the block list (拒访客户清单)

Revision ID: 0009_blocks
Revises: 0008_read_state
Create Date: 2026-11-30 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_blocks"
down_revision: str | None = "0008_read_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "shopper_blocks",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("visitor_id", Id, nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("blocked_by", sa.BigInteger(), nullable=True),
        sa.Column("blocked_by_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_shopper_blocks_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_shopper_blocks_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"],
            ["visitors.id"],
            name=op.f("fk_shopper_blocks_visitor_id_visitors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopper_blocks")),
        sa.UniqueConstraint("visitor_id", name=op.f("uq_shopper_blocks_visitor_id")),
    )


def downgrade() -> None:
    op.drop_table("shopper_blocks")

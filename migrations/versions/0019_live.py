"""supervision_audit: the supervisor live view's actions (reassign, take over, silent join)

Revision ID: 0019_live
Revises: 0018_media
Create Date: 2026-11-30 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_live"
down_revision: str | None = "0018_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "supervision_audit",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("actor_id", Id, nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", Id, nullable=True),
        sa.Column("target_agent_id", Id, nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["agents.id"],
            name=op.f("fk_supervision_audit_actor_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_supervision_audit_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_supervision_audit_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_agent_id"],
            ["agents.id"],
            name=op.f("fk_supervision_audit_target_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_audit")),
    )
    op.create_index(
        "ix_supervision_audit_shop_created", "supervision_audit", ["shop_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_supervision_audit_shop_created", table_name="supervision_audit")
    op.drop_table("supervision_audit")

"""sla_policies: a shop's SLA policy and its groups' own (no row: the manuals' defaults)

Revision ID: 0015_sla
Revises: 0014_reports
Create Date: 2026-11-30 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_sla"
down_revision: str | None = "0014_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("group_id", Id, nullable=True),
        sa.Column("first_response_s", sa.Integer(), nullable=False),
        sa.Column("next_response_s", sa.Integer(), nullable=False),
        sa.Column("resolution_s", sa.Integer(), nullable=False),
        sa.Column("warn_percent", sa.Integer(), nullable=False),
        sa.Column("business_hours_only", sa.Boolean(), nullable=False),
        sa.Column("reassign_after_s", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["agent_groups.id"],
            name=op.f("fk_sla_policies_group_id_agent_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_sla_policies_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("group_id", name=op.f("uq_sla_policies_group_id")),
    )
    op.create_index(op.f("ix_sla_policies_shop_id"), "sla_policies", ["shop_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sla_policies_shop_id"), table_name="sla_policies")
    op.drop_table("sla_policies")

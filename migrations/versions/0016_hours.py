"""shop_hours: each shop's time zone, weekly hours, holidays and exceptions (营业时间)

A shop without a row keeps the manual's shifts (09:00–18:00 and 18:00–23:00, Asia/Shanghai).

Revision ID: 0016_hours
Revises: 0015_sla
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_hours"
down_revision: str | None = "0015_sla"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "shop_hours",
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_hours_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_shop_hours")),
    )


def downgrade() -> None:
    op.drop_table("shop_hours")

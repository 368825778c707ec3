"""shops.identity_secret, shops.widget_settings, visitors.customer_id/customer_phone/
merged_into_id/context: identified shoppers, their page context, pre-chat and invitation settings

Revision ID: 0020_context
Revises: 0019_live
Create Date: 2026-11-30 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_context"
down_revision: str | None = "0019_live"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("widget_settings", sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("customer_phone", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_visitors_shop_id_customer_id"), ["shop_id", "customer_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("visitors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_visitors_shop_id_customer_id"), type_="unique")
        batch_op.drop_column("context")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("customer_phone")
        batch_op.drop_column("customer_id")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("widget_settings")
        batch_op.drop_column("identity_secret")

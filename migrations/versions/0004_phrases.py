"""phrases.shortcut (unique per shop) and shops.farewell_template

Revision ID: 0004_phrases
Revises: 0003_notes
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_phrases"
down_revision: str | None = "0003_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy, not an import: a migration must keep doing what it did when the code moves on.
DEFAULT_FAREWELL = (
    "感谢您光临{shop}，本次服务已结束。之后如果还有任何问题，欢迎随时回来咨询，"
    "{agent}期待再次为您服务，祝您购物愉快！"
)


def upgrade() -> None:
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "farewell_template", sa.Text(), server_default=DEFAULT_FAREWELL, nullable=False
            )
        )
    with op.batch_alter_table("phrases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shortcut", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_phrases_shop_id_shortcut"), ["shop_id", "shortcut"]
        )


def downgrade() -> None:
    with op.batch_alter_table("phrases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_phrases_shop_id_shortcut"), type_="unique")
        batch_op.drop_column("shortcut")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("farewell_template")

"""conversations.visitor_read_seq and agent_read_seq: how far each side has read (已读)

Revision ID: 0008_read_state
Revises: 0007_photos
Create Date: 2026-11-30 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_read_state"
down_revision: str | None = "0007_photos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visitor_read_seq", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("agent_read_seq", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("agent_read_seq")
        batch_op.drop_column("visitor_read_seq")

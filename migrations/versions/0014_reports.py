"""Indexes reports read: conversations by shop and start, event rows by type

Revision ID: 0014_reports
Revises: 0013_bot_learning
Create Date: 2026-11-30 11:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_reports"
down_revision: str | None = "0013_bot_learning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_conversations_shop_created", "conversations", ["shop_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_conversation_events_type_conversation",
        "conversation_events",
        ["type", "conversation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_events_type_conversation", table_name="conversation_events")
    op.drop_index("ix_conversations_shop_created", table_name="conversations")

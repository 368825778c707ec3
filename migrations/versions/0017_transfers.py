"""chat_handovers, shift_handovers, shift_handover_reads, staff_changes, agents.disabled_at:
transfers with a note, the shift handover record (交接记录), and the admin console's changes

Revision ID: 0017_transfers
Revises: 0016_hours
Create Date: 2026-11-30 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_transfers"
down_revision: str | None = "0016_hours"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", When, nullable=True))
    op.create_table(
        "shift_handovers",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("author_name", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("conversation_ids", sa.JSON(), nullable=False),
        sa.Column("group_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["agents.id"],
            name=op.f("fk_shift_handovers_author_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_shift_handovers_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_handovers")),
    )
    op.create_index("ix_shift_handovers_shop_created", "shift_handovers", ["shop_id", "created_at"])
    op.create_table(
        "shift_handover_reads",
        sa.Column("handover_id", Id, nullable=False),
        sa.Column("agent_id", Id, nullable=False),
        sa.Column("read_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_shift_handover_reads_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["shift_handovers.id"],
            name=op.f("fk_shift_handover_reads_handover_id_shift_handovers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("handover_id", "agent_id", name=op.f("pk_shift_handover_reads")),
    )
    op.create_table(
        "chat_handovers",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_agent_id", Id, nullable=True),
        sa.Column("from_agent_name", sa.String(length=64), nullable=False),
        sa.Column("to_agent_id", Id, nullable=True),
        sa.Column("to_group_id", Id, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("shift_id", Id, nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_chat_handovers_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_agent_id"],
            ["agents.id"],
            name=op.f("fk_chat_handovers_from_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shift_handovers.id"],
            name=op.f("fk_chat_handovers_shift_id_shift_handovers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_chat_handovers_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_agent_id"],
            ["agents.id"],
            name=op.f("fk_chat_handovers_to_agent_id_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_group_id"],
            ["agent_groups.id"],
            name=op.f("fk_chat_handovers_to_group_id_agent_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_handovers")),
    )
    op.create_index(
        "ix_chat_handovers_conversation", "chat_handovers", ["conversation_id", "created_at"]
    )
    op.create_table(
        "staff_changes",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_staff_changes_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_changes")),
    )
    op.create_index("ix_staff_changes_shop_created", "staff_changes", ["shop_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_staff_changes_shop_created", table_name="staff_changes")
    op.drop_table("staff_changes")
    op.drop_index("ix_chat_handovers_conversation", table_name="chat_handovers")
    op.drop_table("chat_handovers")
    op.drop_table("shift_handover_reads")
    op.drop_index("ix_shift_handovers_shop_created", table_name="shift_handovers")
    op.drop_table("shift_handovers")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")

"""agent_groups, agent_group_members, conversations.group_id: groups of agents (售前, 售后 …)

Every existing shop gets the default groups and every existing agent joins all of them, so
routing behaves exactly as before until an admin narrows the groups down.

Revision ID: 0010_groups
Revises: 0009_blocks
Create Date: 2026-11-30 11:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_groups"
down_revision: str | None = "0009_blocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Copied, not imported: a migration must keep meaning what it meant when it was written.
DEFAULT_GROUPS = (("售前", "presales"), ("售后", "aftersales"))


def upgrade() -> None:
    groups = op.create_table(
        "agent_groups",
        sa.Column("id", Id, nullable=False),
        sa.Column("shop_id", Id, nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_agent_groups_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_groups")),
        sa.UniqueConstraint("shop_id", "name", name=op.f("uq_agent_groups_shop_id_name")),
        sa.UniqueConstraint("shop_id", "topic", name=op.f("uq_agent_groups_shop_id_topic")),
    )
    op.create_index(op.f("ix_agent_groups_shop_id"), "agent_groups", ["shop_id"], unique=False)
    op.create_table(
        "agent_group_members",
        sa.Column("group_id", Id, nullable=False),
        sa.Column("agent_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_agent_group_members_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["agent_groups.id"],
            name=op.f("fk_agent_group_members_group_id_agent_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "agent_id", name=op.f("pk_agent_group_members")),
    )
    op.create_index(
        op.f("ix_agent_group_members_agent_id"), "agent_group_members", ["agent_id"], unique=False
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", Id, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_conversations_group_id_agent_groups"),
            "agent_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )

    connection = op.get_bind()
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    shop_ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM shops"))]
    rows = [
        {"shop_id": shop_id, "name": name, "topic": topic, "created_at": now}
        for shop_id in shop_ids
        for name, topic in DEFAULT_GROUPS
    ]
    if rows:
        op.bulk_insert(groups, rows)
        connection.execute(
            sa.text(
                "INSERT INTO agent_group_members (group_id, agent_id) "
                "SELECT g.id, a.id FROM agent_groups g JOIN agents a ON a.shop_id = g.shop_id"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_conversations_group_id_agent_groups", type_="foreignkey")
        batch_op.drop_column("group_id")
    op.drop_index(op.f("ix_agent_group_members_agent_id"), table_name="agent_group_members")
    op.drop_table("agent_group_members")
    op.drop_index(op.f("ix_agent_groups_shop_id"), table_name="agent_groups")
    op.drop_table("agent_groups")

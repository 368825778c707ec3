"""The block list as supervisors read it: newest first, with the shopper's name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import ShopperBlock, Visitor
from chatserver.views.wire import iso

Wire = dict[str, Any]


def block_dict(block: ShopperBlock, visitor_name: str) -> Wire:
    """The contract's Block object (docs/protocol.md)."""
    return {
        "id": block.id,
        "conversation_id": block.conversation_id,
        "visitor": {"id": block.visitor_id, "name": visitor_name},
        "reason": block.reason,
        "blocked_by": {"id": block.blocked_by, "name": block.blocked_by_name},
        "created_at": iso(block.created_at),
    }


# Built once, run in Core: every shopper message asks, and nearly always nobody is blocked.
_BLOCK_OF = (
    select(ShopperBlock.id)
    .where(
        or_(
            ShopperBlock.visitor_id == bindparam("visitor_id"),
            ShopperBlock.visitor_id.in_(
                select(Visitor.id).where(Visitor.merged_into_id == bindparam("visitor_id"))
            ),
        )
    )
    .order_by(ShopperBlock.id)
    .limit(1)
)


# The same, as a column of another query bound with :visitor_id (the shopper's own read on
# every message carries it, sparing a statement).
ACTIVE_BLOCK_ID = _BLOCK_OF.scalar_subquery()


async def block_by_id(session: AsyncSession, block_id: int | None) -> ShopperBlock | None:
    return None if block_id is None else await session.get(ShopperBlock, block_id)


async def active_block(session: AsyncSession, visitor_id: int) -> ShopperBlock | None:
    """The shopper's block, or one on a device merged into them when they logged in (a
    blocked shopper does not escape by logging in)."""
    connection = await session.connection()
    block_id = (await connection.execute(_BLOCK_OF, {"visitor_id": visitor_id})).scalar()
    return await block_by_id(session, block_id)


class BlockViews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list_for_shop(self, shop_id: int) -> list[Wire]:
        async with self.db.sessions() as session:
            rows = await session.execute(
                select(ShopperBlock, Visitor.name)
                .join(Visitor, Visitor.id == ShopperBlock.visitor_id)
                .where(ShopperBlock.shop_id == shop_id)
                .order_by(ShopperBlock.created_at.desc(), ShopperBlock.id.desc())
            )
            return [block_dict(block, name) for block, name in rows.all()]

"""Admins set the shop's SLA policy and a group's own (or return a group to the defaults)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.db.engine import Database
from chatserver.db.models import Group, Shop, utcnow
from chatserver.db.sla import SlaPolicyRow
from chatserver.domain.sla_policy import SlaPolicy
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.sla import policy_for, policy_page


def require_supervising(actor: AuthenticatedAgent) -> None:
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以查看服务时效设置")


def require_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改服务时效设置")


def _apply(row: SlaPolicyRow, base: SlaPolicy, change: dict[str, Any]) -> None:
    merged = {**base.as_dict(), **{k: v for k, v in change.items() if k != "reassign_after_s"}}
    if merged["resolution_s"] < merged["first_response_s"]:
        raise invalid("解决时限不能短于首次响应时限", field="resolution_s")
    for name, value in merged.items():
        setattr(row, name, value)
    if "reassign_after_s" in change:
        row.reassign_after_s = change["reassign_after_s"]
    row.updated_at = utcnow()


class SlaPolicies:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        require_supervising(actor)
        async with self.db.sessions() as session:
            return await policy_page(session, actor.shop.id)

    async def do_set_shop_policy(
        self, actor: AuthenticatedAgent, change: dict[str, Any]
    ) -> dict[str, Any]:
        require_admin(actor)
        return await self._save(actor.shop.id, None, change)

    async def do_set_group_policy(
        self, actor: AuthenticatedAgent, group_id: int, change: dict[str, Any] | None
    ) -> dict[str, Any]:
        """`change` None: the group follows the defaults again."""
        require_admin(actor)
        return await self._save(actor.shop.id, group_id, change)

    async def _save(
        self, shop_id: int, group_id: int | None, change: dict[str, Any] | None
    ) -> dict[str, Any]:
        async with self.db.transaction() as tx:
            session = tx.session
            # The shop's row lock keeps each policy row single under concurrent edits.
            await session.execute(select(Shop.id).where(Shop.id == shop_id).with_for_update())
            if group_id is not None:
                group = await session.get(Group, group_id)
                if group is None or group.shop_id != shop_id:
                    raise AppError("not_found", "客服组不存在")
            row = await session.scalar(
                select(SlaPolicyRow).where(
                    SlaPolicyRow.shop_id == shop_id,
                    SlaPolicyRow.group_id.is_(None)
                    if group_id is None
                    else SlaPolicyRow.group_id == group_id,
                )
            )
            if change is None:
                if row is not None:
                    await session.delete(row)
            else:
                base = await policy_for(session, shop_id, group_id)
                if row is None:
                    row = SlaPolicyRow(shop_id=shop_id, group_id=group_id)
                    session.add(row)
                _apply(row, base, change)
            await session.flush()
            return await policy_page(session, shop_id)

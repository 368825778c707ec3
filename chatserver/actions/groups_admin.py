"""The admin console's groups: create, rename, change members, delete. Admins only; every change
is a `staff_changes` row. A topic group (售前 / 售后, which the bot's handoff fills) can be
renamed but not deleted, and a shop always keeps at least one group."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.staff import check_admin, record_change
from chatserver.commands.staff import SaveGroup
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Group, GroupMember, utcnow
from chatserver.domain.events import RoutingRequested
from chatserver.domain.staff import MAX_GROUPS_PER_SHOP
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent


class GroupsAdmin:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _name_free(
        self, session: AsyncSession, shop_id: int, name: str, group_id: int | None
    ) -> None:
        clash = await session.scalar(
            select(Group.id).where(Group.shop_id == shop_id, Group.name == name)
        )
        if clash is not None and clash != group_id:
            raise AppError("conflict", f"已有名为「{name}」的分组", field="name")

    async def _members(self, session: AsyncSession, shop_id: int, member_ids: list[int]) -> None:
        known = set(
            await session.scalars(
                select(Agent.id).where(Agent.shop_id == shop_id, Agent.id.in_(member_ids))
            )
        )
        if set(member_ids) - known:
            raise AppError("not_found", "客服不存在", field="member_ids")

    async def do_save_group(
        self, actor: AuthenticatedAgent, command: SaveGroup, group_id: int | None = None
    ) -> int:
        check_admin(actor)
        now = utcnow()
        try:
            async with self.db.transaction() as tx:
                session = tx.session
                if group_id is None:
                    if command.name is None:
                        raise invalid("分组名称不能为空", field="name")
                    count = await session.scalar(
                        select(func.count()).where(Group.shop_id == actor.shop.id)
                    )
                    if (count or 0) >= MAX_GROUPS_PER_SHOP:
                        raise AppError("conflict", f"每个店铺最多 {MAX_GROUPS_PER_SHOP} 个分组")
                    group = Group(shop_id=actor.shop.id, name=command.name, created_at=now)
                    await self._name_free(session, actor.shop.id, command.name, None)
                    session.add(group)
                    await session.flush()
                    action = "group_created"
                else:
                    if command.name is None and command.member_ids is None:
                        raise invalid("没有要修改的内容")
                    found = await session.get(Group, group_id)
                    if found is None or found.shop_id != actor.shop.id:
                        raise AppError("not_found", "分组不存在")
                    group = found
                    if command.name is not None:
                        await self._name_free(session, actor.shop.id, command.name, group.id)
                        group.name = command.name
                    action = "group_updated"
                if command.member_ids is not None:
                    await self._members(session, actor.shop.id, command.member_ids)
                    await session.execute(
                        delete(GroupMember).where(GroupMember.group_id == group.id)
                    )
                    session.add_all(
                        GroupMember(group_id=group.id, agent_id=a) for a in command.member_ids
                    )
                data = {"name": command.name, "member_ids": command.member_ids}
                record_change(tx, actor, action, "group", group.id, data, now)
                # New members may take waiting chats of this group now.
                tx.record(RoutingRequested(actor.shop.id))
                return group.id
        except IntegrityError:
            # Two admins saving the same name at once: the unique key decided.
            raise AppError("conflict", "已有同名分组", field="name") from None

    async def do_delete_group(self, actor: AuthenticatedAgent, group_id: int) -> None:
        check_admin(actor)
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            group = await session.get(Group, group_id)
            if group is None or group.shop_id != actor.shop.id:
                raise AppError("not_found", "分组不存在")
            if group.topic is not None:
                raise AppError(
                    "conflict", f"「{group.name}」接收机器人转人工的会话，不能删除，可以改名"
                )
            count = await session.scalar(select(func.count()).where(Group.shop_id == actor.shop.id))
            if (count or 0) <= 1:
                raise AppError("conflict", "店铺至少需要保留一个分组")
            await session.delete(group)
            record_change(tx, actor, "group_deleted", "group", group_id, {"name": group.name}, now)
            # Its waiting chats now belong to no group: anyone may take them.
            tx.record(RoutingRequested(actor.shop.id))

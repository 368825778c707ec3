"""A shop's service calendar and whether a person can take a chat now (read only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import Agent, GroupMember, ShopHours
from chatserver.domain.business_hours import ServiceCalendar
from chatserver.domain.hours_settings import calendar_from_stored
from chatserver.domain.leave_message import Availability


async def calendar_for_shop(session: AsyncSession, shop_id: int) -> ServiceCalendar:
    """The shop's calendar; the manual's shifts in Asia/Shanghai until an admin sets its own."""
    stored = await session.get(ShopHours, shop_id)
    return ServiceCalendar() if stored is None else calendar_from_stored(stored.settings)


async def agents_online(session: AsyncSession, shop_id: int, group_id: int | None) -> int:
    """Agents set `online` who could serve the chat: its group's members, else the shop's."""
    query = select(func.count(Agent.id)).where(Agent.shop_id == shop_id, Agent.status == "online")
    if group_id is not None:
        query = query.where(
            Agent.id.in_(select(GroupMember.agent_id).where(GroupMember.group_id == group_id))
        )
    return int(await session.scalar(query) or 0)


async def availability(
    session: AsyncSession, shop_id: int, group_id: int | None, now: datetime
) -> tuple[Availability, ServiceCalendar]:
    calendar = await calendar_for_shop(session, shop_id)
    is_open = calendar.is_open(now)
    return (
        Availability(
            open=is_open,
            agents_online=await agents_online(session, shop_id, group_id),
            back_at=None if is_open else calendar.next_open(now),
        ),
        calendar,
    )

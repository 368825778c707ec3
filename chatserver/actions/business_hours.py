"""A shop's service hours: supervisors and admins read them, admins change them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.actions.service_hours import Clock
from chatserver.db.engine import Database
from chatserver.db.models import Shop, ShopHours, utcnow
from chatserver.domain.business_hours import ServiceCalendar
from chatserver.domain.hours_settings import calendar_wire, parse_calendar
from chatserver.domain.leave_message import describe_time
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.business_hours import calendar_for_shop
from chatserver.views.wire import iso


def require_supervising(actor: AuthenticatedAgent) -> None:
    if actor.agent.role not in SUPERVISING_ROLES:
        raise AppError("forbidden", "只有主管或管理员可以查看营业时间")


def require_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以修改营业时间")


class BusinessHours:
    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    def _answer(self, calendar: ServiceCalendar) -> dict[str, Any]:
        """The hours, and what they mean right now (so the admin sees the effect)."""
        at = self.clock()
        next_open = calendar.next_open(at)
        return {
            "hours": calendar_wire(calendar),
            "open_now": calendar.is_open(at),
            "next_open": iso(next_open),
            "next_open_text": None
            if next_open is None
            else describe_time(next_open, at, calendar.zone),
        }

    async def read(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        require_supervising(actor)
        async with self.db.sessions() as session:
            return self._answer(await calendar_for_shop(session, actor.shop.id))

    async def do_update(self, actor: AuthenticatedAgent, payload: dict[str, Any]) -> dict[str, Any]:
        """Fields given replace the stored ones; all are checked before anything is saved."""
        require_admin(actor)
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            # The shop's row lock first: concurrent saves queue up behind it, each reading the
            # calendar the previous one wrote, and two first saves cannot both insert the row.
            await session.execute(select(Shop.id).where(Shop.id == actor.shop.id).with_for_update())
            calendar = parse_calendar(payload, await calendar_for_shop(session, actor.shop.id))
            stored = await session.get(ShopHours, actor.shop.id)
            if stored is None:
                stored = ShopHours(shop_id=actor.shop.id)
                session.add(stored)
            stored.settings = calendar_wire(calendar)
            stored.updated_at = now
            stored.updated_by = actor.agent.id
        return self._answer(calendar)

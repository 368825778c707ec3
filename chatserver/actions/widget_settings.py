"""Pre-chat fields and the proactive invitation (domain/widget_settings.py): staff read them,
admins change them, shoppers answer the pre-chat fields once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.actions.catalog import require_admin
from chatserver.actions.visitor_session import VisitorContext
from chatserver.db.engine import Database
from chatserver.db.models import Shop, Visitor
from chatserver.db.records import lock_row
from chatserver.domain.widget_settings import effective, parse_prechat, parse_settings
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent


class WidgetSettings:
    def __init__(self, db: Database, default_shop: str) -> None:
        self.db = db
        self.default_shop = default_shop

    async def settings(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        async with self.db.sessions() as session:
            shop = await session.get_one(Shop, actor.agent.shop_id)
            return {"settings": effective(shop.widget_settings)}

    async def public_invite(self, shop_slug: str | None) -> dict[str, Any]:
        """What the loader on a shop's page may know before any chat: the invitation only.
        No shop named: the configured default shop's, as the widget's socket does."""
        slug = shop_slug or self.default_shop
        async with self.db.sessions() as session:
            shop = await session.scalar(select(Shop).where(Shop.slug == slug))
            if shop is None:
                raise AppError("not_found", "店铺不存在")
            return {"invite": effective(shop.widget_settings)["invite"]}

    async def do_update(self, actor: AuthenticatedAgent, raw: Any) -> dict[str, Any]:
        require_admin(actor)
        settings = parse_settings(raw)
        async with self.db.transaction() as tx:
            shop = await lock_row(tx.session, Shop, actor.agent.shop_id)
            if shop is None:
                raise AppError("not_found", "店铺不存在")
            shop.widget_settings = settings
        return {"settings": effective(settings)}

    async def do_prechat(self, context: VisitorContext, raw: Any) -> dict[str, Any]:
        """The shopper's answers, kept with the visitor for staff; a name given becomes the
        name staff see (an identified customer keeps the shop's)."""
        async with self.db.transaction() as tx:
            shop = await tx.session.get_one(Shop, context.shop_id)
            answers = parse_prechat(raw, shop.widget_settings or {})
            visitor = await lock_row(tx.session, Visitor, context.visitor_id)
            if visitor is None:
                raise AppError("not_found", "访客不存在")
            visitor.context = {**(visitor.context or {}), "prechat": answers}
            if "name" in answers and visitor.customer_id is None:
                visitor.name = answers["name"]
        return {"prechat": answers}

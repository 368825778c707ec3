"""The shop's identity secret (identify() in the loader): admins see and rotate it, nobody
else ever does. Made on first view, so a shop that never asks for it has none and every
identify() is refused."""

from __future__ import annotations

from typing import Any

from chatserver.actions.catalog import require_admin
from chatserver.db.engine import Database
from chatserver.db.models import Shop
from chatserver.db.records import lock_row
from chatserver.domain.identity import new_secret
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent


class IdentitySecrets:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_show(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        return await self._secret(actor, rotate=False)

    async def do_rotate(self, actor: AuthenticatedAgent) -> dict[str, Any]:
        """A new secret: every signature made with the old one is refused from now on."""
        return await self._secret(actor, rotate=True)

    async def _secret(self, actor: AuthenticatedAgent, *, rotate: bool) -> dict[str, Any]:
        require_admin(actor)
        async with self.db.transaction() as tx:
            shop = await lock_row(tx.session, Shop, actor.agent.shop_id)
            if shop is None:
                raise AppError("not_found", "店铺不存在")
            if rotate or shop.identity_secret is None:
                shop.identity_secret = new_secret()
            return {"secret": shop.identity_secret, "algorithm": "HMAC-SHA256"}

"""API keys for the shop's own systems: created and revoked by admins, stored as an HMAC under
SECRET_KEY (like staff tokens), and the one check every integration route makes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.commands.integrations import CreateApiKey
from chatserver.db.engine import Database
from chatserver.db.models import Agent, ApiKey, Shop, utcnow
from chatserver.domain.api_keys import KEY_PREFIX, MAX_KEYS_PER_SHOP, SHOWN_CHARS
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent, AuthService
from chatserver.views.wire import iso

# last_used_at is a hint for the console, not an audit log: one write a minute is plenty.
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class Caller:
    """Who calls an integration route: a key of the shop, or a supervisor's or admin's session."""

    shop: Shop
    staff: AuthenticatedAgent | None = None
    key_id: int | None = None
    key_name: str | None = None


def key_dict(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "created_at": iso(key.created_at),
        "last_used_at": iso(key.last_used_at),
        "revoked_at": iso(key.revoked_at),
    }


def require_admin(actor: AuthenticatedAgent) -> None:
    if actor.agent.role != "admin":
        raise AppError("forbidden", "只有管理员可以管理集成设置")


class ApiKeys:
    def __init__(self, db: Database, auth: AuthService) -> None:
        self.db = db
        self.auth = auth

    async def do_create(self, actor: AuthenticatedAgent, command: CreateApiKey) -> dict[str, Any]:
        """The key's record and, this once, the key itself."""
        require_admin(actor)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        async with self.db.transaction() as tx:
            live = await tx.session.scalar(
                select(func.count())
                .select_from(ApiKey)
                .where(ApiKey.shop_id == actor.shop.id, ApiKey.revoked_at.is_(None))
            )
            if (live or 0) >= MAX_KEYS_PER_SHOP:
                raise AppError("conflict", f"每个店铺最多 {MAX_KEYS_PER_SHOP} 个有效密钥")
            key = ApiKey(
                shop_id=actor.shop.id,
                name=command.name,
                prefix=secret[:SHOWN_CHARS],
                key_hash=self.auth.digest(secret),
                scopes=command.scopes,
                created_by=actor.agent.id,
                created_at=utcnow(),
            )
            tx.session.add(key)
            await tx.session.flush()
            return {"key": key_dict(key), "secret": secret}

    async def list_for_shop(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        require_admin(actor)
        async with self.db.sessions() as session:
            keys = await session.scalars(
                select(ApiKey).where(ApiKey.shop_id == actor.shop.id).order_by(ApiKey.id.desc())
            )
            return [key_dict(key) for key in keys]

    async def do_revoke(self, actor: AuthenticatedAgent, key_id: int) -> dict[str, Any]:
        require_admin(actor)
        async with self.db.transaction() as tx:
            key = await tx.session.get(ApiKey, key_id)
            if key is None or key.shop_id != actor.shop.id:
                raise AppError("not_found", "密钥不存在")
            if key.revoked_at is None:
                key.revoked_at = utcnow()
            return key_dict(key)

    async def authorize(self, token: str | None, scope: str) -> Caller:
        """A key with `scope`, or a supervisor's or admin's session (they hold every scope in
        their own shop). No credentials or a revoked key: unauthorized; too little: forbidden."""
        if token is None or not token.startswith(KEY_PREFIX):
            actor = await self.auth.authenticate(token)
            if actor.agent.role not in SUPERVISING_ROLES:
                raise AppError("forbidden", "只有主管或管理员可以使用集成接口")
            return Caller(actor.shop, staff=actor)
        if len(token) > 200 or not token.isascii():
            raise AppError("unauthorized", "API 密钥无效")
        now = utcnow()
        async with self.db.sessions() as session:
            row = (
                await session.execute(
                    select(ApiKey, Shop)
                    .join(Shop, Shop.id == ApiKey.shop_id)
                    .where(ApiKey.key_hash == self.auth.digest(token))
                )
            ).first()
        if row is None or row[0].revoked_at is not None:
            raise AppError("unauthorized", "API 密钥无效或已被撤销")
        key, shop = row
        if scope not in key.scopes:
            raise AppError("forbidden", f"此 API 密钥没有 {scope} 权限")
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRANULARITY:
            async with self.db.transaction() as tx:
                await tx.session.execute(
                    update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
                )
        return Caller(shop, key_id=key.id, key_name=key.name)

    async def authorize_editor(self, token: str | None, scope: str) -> AuthenticatedAgent:
        """For routes the console shares with keys (the FAQ): a staff session as it is (the
        actions check its role), or a key with `scope` standing in as an editor of its shop.
        The stand-in is never stored: those actions read only its role and shop."""
        if token is None or not token.startswith(KEY_PREFIX):
            return await self.auth.authenticate(token)
        caller = await self.authorize(token, scope)
        stand_in = Agent(
            id=0,
            shop_id=caller.shop.id,
            username=f"api-key-{caller.key_id}",
            name=caller.key_name or "API",
            role="supervisor",
        )
        return AuthenticatedAgent(stand_in, caller.shop, session_id=0)

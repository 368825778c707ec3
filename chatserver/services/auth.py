"""Agent passwords and sessions, and visitor tokens.

Tokens are random; the database keeps only their HMAC under SECRET_KEY, so neither a leaked
table nor a guessed id opens anyone's session.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, AgentSession, Group, GroupMember, Shop, utcnow
from chatserver.domain.ratelimit import TokenBucket, failed_logins
from chatserver.domain.staff import (
    clean_display_name,
    clean_max_chats,
    clean_password,
    clean_role,
    clean_username,
)
from chatserver.errors import AppError

SESSION_LIFETIME = timedelta(days=14)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(secret_key: str, token: str) -> str:
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


# Built once: every agent event and staff request is checked with it.
_SESSION_OF_TOKEN = (
    select(AgentSession, Agent, Shop)
    .join(Agent, Agent.id == AgentSession.agent_id)
    .join(Shop, Shop.id == Agent.shop_id)
    .where(AgentSession.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class AuthenticatedAgent:
    agent: Agent
    shop: Shop
    session_id: int


class AuthService:
    MAX_TRACKED = 10_000

    def __init__(self, db: Database, secret_key: str) -> None:
        self.db = db
        self.secret_key = secret_key
        # Least recently used first, so a flood of new names evicts idle entries, not all.
        self._failed_logins: OrderedDict[str, TokenBucket] = OrderedDict()

    def _bucket(self, key: str) -> TokenBucket:
        bucket = self._failed_logins.get(key)
        if bucket is None:
            bucket = failed_logins()
            self._failed_logins[key] = bucket
            while len(self._failed_logins) > self.MAX_TRACKED:
                self._failed_logins.popitem(last=False)
        else:
            self._failed_logins.move_to_end(key)
        return bucket

    def digest(self, token: str) -> str:
        return token_digest(self.secret_key, token)

    async def login(
        self, username: str, password: str, *, client_address: str = "local"
    ) -> tuple[str, AuthenticatedAgent]:
        keys = (f"ip:{client_address}", f"user:{username.lower()}")
        now = time.monotonic()
        known = [self._failed_logins.get(key) for key in keys]
        if any(bucket is not None and not bucket.has_token(now) for bucket in known):
            raise AppError("rate_limited", "登录失败次数过多，请稍后再试")
        # A token is taken before the password is checked, so parallel guesses cannot all
        # slip through; a successful login gives it back.
        buckets = [self._bucket(key) for key in keys]
        taken = [bucket for bucket in buckets if bucket.take(now)]
        if len(taken) < len(buckets):
            for bucket in taken:
                bucket.give_back()
            raise AppError("rate_limited", "登录失败次数过多，请稍后再试")
        result = await self._login(username, password)
        for bucket in buckets:
            bucket.give_back()
        return result

    async def _login(self, username: str, password: str) -> tuple[str, AuthenticatedAgent]:
        async with self.db.sessions() as session:
            stored = await session.scalar(
                select(Agent.password_hash).where(Agent.username == username)
            )
        # argon2 takes ~0.3 s of CPU by design: off the event loop and outside any transaction.
        valid = await asyncio.to_thread(verify_password, stored or _DUMMY_HASH, password)
        if stored is None or not valid:
            raise AppError("unauthorized", "用户名或密码错误")
        async with self.db.transaction() as tx:
            agent = await tx.session.scalar(select(Agent).where(Agent.username == username))
            if agent is None or agent.password_hash != stored:
                raise AppError("unauthorized", "用户名或密码错误")
            if agent.disabled_at is not None:
                raise AppError("unauthorized", "该账号已停用，请联系管理员")
            token = new_token()
            now = utcnow()
            record = AgentSession(
                agent_id=agent.id,
                token_hash=self.digest(token),
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
            tx.session.add(record)
            await tx.session.flush()
            shop = await tx.session.get_one(Shop, agent.shop_id)
            return token, AuthenticatedAgent(agent, shop, record.id)

    async def authenticate(self, token: object) -> AuthenticatedAgent:
        if not isinstance(token, str) or not token or len(token) > 200 or not token.isascii():
            # Our tokens are URL-safe ASCII: anything else was never issued.
            raise AppError("unauthorized", "请先登录")
        async with self.db.sessions() as session:
            row = (
                await session.execute(_SESSION_OF_TOKEN, {"token_hash": self.digest(token)})
            ).first()
        if row is None:
            raise AppError("unauthorized", "登录已失效，请重新登录")
        record, agent, shop = row
        if (
            record.revoked_at is not None
            or record.expires_at <= utcnow()
            or agent.disabled_at is not None
        ):
            raise AppError("unauthorized", "登录已失效，请重新登录")
        return AuthenticatedAgent(agent, shop, record.id)

    async def logout(self, session_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.session.execute(
                update(AgentSession)
                .where(AgentSession.id == session_id, AgentSession.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )


async def create_agent(
    session: AsyncSession,
    *,
    shop: Shop,
    username: str,
    password: str,
    name: str,
    role: str = "agent",
    max_chats: int = 5,
    group_ids: list[int] | None = None,
    hashed: str | None = None,
) -> Agent:
    """Validated here so the CLI and the admin console refuse the same things. `group_ids`
    (checked by the caller to be the shop's): the agent's groups, all of them when None.
    `hashed`: the password already hashed (off the event loop) by the caller."""
    username = clean_username(username)
    clean_password(password)
    name = clean_display_name(name)
    role = clean_role(role)
    max_chats = clean_max_chats(max_chats)
    existing = await session.scalar(select(Agent.id).where(Agent.username == username))
    if existing is not None:
        raise AppError("conflict", f"用户名 {username} 已存在", field="username")
    agent = Agent(
        shop_id=shop.id,
        username=username,
        password_hash=hashed or hash_password(password),
        name=name,
        role=role,
        max_chats=max_chats,
        status="offline",
    )
    session.add(agent)
    await session.flush()
    # A new agent serves every group of the shop unless the admin chose some.
    if group_ids is None:
        group_ids = list(await session.scalars(select(Group.id).where(Group.shop_id == shop.id)))
    for group_id in group_ids:
        session.add(GroupMember(group_id=group_id, agent_id=agent.id))
    await session.flush()
    return agent

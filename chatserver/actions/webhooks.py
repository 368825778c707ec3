"""Admins manage the shop's webhook endpoints: add, change, remove, send a test; and read the
delivery log. The outbox rows themselves are written by db/webhook_outbox.py."""

from __future__ import annotations

import asyncio
import secrets
import socket
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from chatserver.actions.api_keys import require_admin
from chatserver.commands.integrations import CreateEndpoint, UpdateEndpoint
from chatserver.db.engine import Database
from chatserver.db.models import WebhookDelivery, WebhookEndpoint, utcnow
from chatserver.db.webhook_outbox import add_delivery
from chatserver.domain import webhooks
from chatserver.errors import AppError, invalid
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.webhooks import delivery_dict, endpoint_dict

LOG_LIMIT = 100


async def check_public(url: str) -> None:
    """Refused now, with a clear message, what the sender would refuse at every connection."""
    host = urlsplit(url).hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise invalid("无法解析接收地址的域名", field="url") from None
    if not infos or not all(webhooks.is_public_address(str(info[4][0])) for info in infos):
        raise invalid("接收地址必须是公网地址（不能是本机、内网或链路本地地址）", field="url")


class Webhooks:
    def __init__(self, db: Database, *, allow_private: bool) -> None:
        self.db = db
        self.allow_private = allow_private

    async def _check_url(self, url: str) -> None:
        if not self.allow_private:
            await check_public(url)

    async def list_endpoints(self, actor: AuthenticatedAgent) -> list[dict[str, Any]]:
        require_admin(actor)
        async with self.db.sessions() as session:
            rows = await session.scalars(
                select(WebhookEndpoint)
                .where(WebhookEndpoint.shop_id == actor.shop.id)
                .order_by(WebhookEndpoint.id)
            )
            return [endpoint_dict(row) for row in rows]

    async def do_create(self, actor: AuthenticatedAgent, command: CreateEndpoint) -> dict[str, Any]:
        require_admin(actor)
        await self._check_url(command.url)
        async with self.db.transaction() as tx:
            count = await tx.session.scalar(
                select(func.count())
                .select_from(WebhookEndpoint)
                .where(WebhookEndpoint.shop_id == actor.shop.id)
            )
            if (count or 0) >= webhooks.MAX_ENDPOINTS_PER_SHOP:
                raise AppError(
                    "conflict", f"每个店铺最多 {webhooks.MAX_ENDPOINTS_PER_SHOP} 个接收地址"
                )
            endpoint = WebhookEndpoint(
                shop_id=actor.shop.id,
                url=command.url,
                description=command.description,
                events=command.events,
                secret="whsec_" + secrets.token_urlsafe(32),
                enabled=True,
                created_at=utcnow(),
            )
            tx.session.add(endpoint)
            await tx.session.flush()
            return endpoint_dict(endpoint)

    async def _endpoint(self, session: Any, actor: AuthenticatedAgent, endpoint_id: int) -> Any:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or endpoint.shop_id != actor.shop.id:
            raise AppError("not_found", "接收地址不存在")
        return endpoint

    async def do_update(
        self, actor: AuthenticatedAgent, endpoint_id: int, command: UpdateEndpoint
    ) -> dict[str, Any]:
        require_admin(actor)
        if command.url is not None:
            await self._check_url(command.url)
        async with self.db.transaction() as tx:
            endpoint = await self._endpoint(tx.session, actor, endpoint_id)
            if command.url is not None:
                endpoint.url = command.url
            if command.events is not None:
                endpoint.events = command.events
            if command.description is not None:
                endpoint.description = command.description
            if command.enabled is not None:
                endpoint.enabled = command.enabled
            return endpoint_dict(endpoint)

    async def do_delete(self, actor: AuthenticatedAgent, endpoint_id: int) -> dict[str, Any]:
        """Its pending deliveries go with it."""
        require_admin(actor)
        async with self.db.transaction() as tx:
            endpoint = await self._endpoint(tx.session, actor, endpoint_id)
            await tx.session.delete(endpoint)
        return {"id": endpoint_id}

    async def do_send_test(self, actor: AuthenticatedAgent, endpoint_id: int) -> dict[str, Any]:
        """A `webhook.test` delivery through the outbox, like any other: it shows in the log."""
        require_admin(actor)
        async with self.db.transaction() as tx:
            endpoint = await self._endpoint(tx.session, actor, endpoint_id)
            item = webhooks.envelope(
                webhooks.TEST_EVENT,
                actor.shop.id,
                {"message": "这是一条测试消息", "endpoint_id": endpoint.id},
                utcnow(),
            )
            add_delivery(tx.session, endpoint, item)
            await tx.session.flush()
            row = await tx.session.scalar(
                select(WebhookDelivery).where(
                    WebhookDelivery.endpoint_id == endpoint.id,
                    WebhookDelivery.event_id == item.event_id,
                )
            )
            assert row is not None
            return delivery_dict(row)

    async def deliveries(
        self, actor: AuthenticatedAgent, endpoint_id: int | None
    ) -> list[dict[str, Any]]:
        """The newest deliveries of the shop (or of one endpoint), newest first."""
        require_admin(actor)
        query = select(WebhookDelivery).where(WebhookDelivery.shop_id == actor.shop.id)
        if endpoint_id is not None:
            query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
        async with self.db.sessions() as session:
            rows = await session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(LOG_LIMIT))
            return [delivery_dict(row) for row in rows]

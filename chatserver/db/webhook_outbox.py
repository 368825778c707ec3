"""The webhook outbox writer: in the same transaction as the facts, one row per subscribed
endpoint. Committed together with the fact or not at all, so a crash or restart can lose
neither the fact's webhook nor send one for a fact that was rolled back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Exists, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.base import Base, utcnow
from chatserver.db.engine import Transaction
from chatserver.db.integrations import WebhookDelivery
from chatserver.domain.events import Event, WebhooksQueued
from chatserver.domain.webhooks import Outgoing, webhook_fact

_endpoints = Base.metadata.tables["webhook_endpoints"]
# Built once and read as plain rows: every message's commit asks (most shops have no endpoint).
_ENDPOINTS = select(_endpoints.c.id, _endpoints.c.shop_id, _endpoints.c.events).where(
    _endpoints.c.shop_id == bindparam("shop_id"), _endpoints.c.enabled.is_(True)
)


def has_endpoints(shop_id: ColumnElement[int]) -> Exists:
    """Whether the shop has an enabled endpoint, as a column of a read the transaction makes
    anyway (the shopper's message: actions/messages.py); see `note_endpoints`."""
    return exists().where(_endpoints.c.shop_id == shop_id, _endpoints.c.enabled.is_(True))


def note_endpoints(tx: Transaction, shop_id: int, any_enabled: bool) -> None:
    """What `has_endpoints` told: a shop with none needs no read of its endpoints at commit.
    Read earlier in the same transaction, before the facts were written: an endpoint enabled
    in the moment between (milliseconds) hears from the shop's next fact on, as one enabled
    just after the commit would."""
    if not any_enabled:
        tx.known[(_NO_ENDPOINTS, shop_id)] = True


_NO_ENDPOINTS = "no webhook endpoints"


class Subscriber(Protocol):
    """An endpoint as the outbox needs it: a stored WebhookEndpoint or one of _ENDPOINTS' rows."""

    @property
    def id(self) -> int: ...
    @property
    def shop_id(self) -> int: ...


def add_delivery(session: AsyncSession, endpoint: Subscriber, item: Outgoing) -> None:
    now = utcnow()
    session.add(
        WebhookDelivery(
            shop_id=endpoint.shop_id,
            endpoint_id=endpoint.id,
            event_id=item.event_id,
            event_type=item.event_type,
            body=item.body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


async def write_outbox(tx: Transaction, events: Sequence[Event]) -> list[Event]:
    """Queue the webhooks these facts cause; a `WebhooksQueued` per shop that queued any, so the
    delivery worker is woken only when there is something to send."""
    facts = [fact for fact in map(webhook_fact, events) if fact is not None]
    if not facts:
        return []
    session = tx.session
    now = utcnow()
    endpoints_by_shop: dict[int, Sequence[Any]] = {}
    queued: set[int] = set()
    for fact in facts:
        endpoints = endpoints_by_shop.get(fact.shop_id)
        if endpoints is None and (_NO_ENDPOINTS, fact.shop_id) in tx.known:
            endpoints = endpoints_by_shop[fact.shop_id] = ()
        if endpoints is None:
            connection = await session.connection()
            found = await connection.execute(_ENDPOINTS, {"shop_id": fact.shop_id})
            endpoints = endpoints_by_shop[fact.shop_id] = found.all()
        subscribed = [endpoint for endpoint in endpoints if fact.event_type in endpoint.events]
        if not subscribed:
            continue  # most shops have no endpoint: no body is stamped and encoded for nobody
        item = fact.envelope(now)
        for endpoint in subscribed:
            add_delivery(session, endpoint, item)
        queued.add(fact.shop_id)
    return [WebhooksQueued(shop_id) for shop_id in sorted(queued)]

"""The delivery worker: takes due outbox rows (db/integrations.py WebhookDelivery), posts them
signed, and records each attempt. At least once: a row is delivered until a 2xx answer, with
the same event id every time, retried with exponential backoff until a day has passed, then
marked failed. With several processes, a row is claimed with a lease (a conditional UPDATE),
so exactly one process sends each attempt; a process that dies mid-attempt loses its lease and
another one takes the row over."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy import or_, select, update

from chatserver.db.engine import Database
from chatserver.db.models import WebhookDelivery, WebhookEndpoint, utcnow
from chatserver.domain import webhooks
from chatserver.services.webhook_http import Attempt, client_session, post_signed

log = logging.getLogger(__name__)

BATCH = 20
LEASE = timedelta(seconds=60)
# At a stop, a round under way may finish its database work; only a slow receiver is cut short.
STOP_GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class DeliverySettings:
    allow_private: bool = False
    # The first retry's wait; each next one doubles, up to an hour.
    retry_base_seconds: float = 30.0
    give_up_after: timedelta = timedelta(days=1)
    # How often due retries are looked for when nothing wakes the worker.
    poll_seconds: float = 2.0


@dataclass(frozen=True)
class _Claimed:
    id: int
    token: str
    url: str
    secret: str
    event_id: str
    event_type: str
    body: str
    attempts: int
    created_at: datetime


class WebhookSender:
    def __init__(
        self,
        db: Database,
        settings: DeliverySettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        # Leases of attempts under way: given back at a clean stop, so a restart resends
        # them at once instead of waiting for the lease to run out.
        self._in_flight: set[str] = set()
        self._stopping = False

    def kick(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._http = client_session(allow_private=self.settings.allow_private)
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            # Cancelled only if need be: a cancellation in the middle of a database call can
            # leave the pooled connection unusable for the shutdown that follows.
            done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE_SECONDS)
            if not done:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._in_flight:
            async with self.db.transaction() as tx:
                await tx.session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.lease_token.in_(self._in_flight))
                    .values(lease_until=None, lease_token=None)
                )
            self._in_flight.clear()
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                claimed = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook delivery round failed")
                claimed = 0
            if claimed >= BATCH or self._stopping:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
            except TimeoutError:
                pass

    async def run_once(self) -> int:
        """Deliver what is due now; the number of rows this process claimed."""
        rows = await self._claim()
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _claim(self) -> list[_Claimed]:
        now = self.clock()
        free = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until <= now)
        async with self.db.sessions() as session:
            candidates = list(
                (
                    await session.execute(
                        select(WebhookDelivery, WebhookEndpoint.url, WebhookEndpoint.secret)
                        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                        .where(
                            WebhookDelivery.status == "pending",
                            WebhookDelivery.next_attempt_at <= now,
                            # A disabled endpoint's retries wait until it is enabled again.
                            WebhookEndpoint.enabled.is_(True),
                            free,
                        )
                        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                        .limit(BATCH)
                    )
                ).all()
            )
        claimed: list[_Claimed] = []
        for row, url, secret in candidates:
            token = uuid.uuid4().hex
            async with self.db.transaction() as tx:
                # Whoever's UPDATE matches first owns the attempt; the others match no row.
                result = await tx.session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == row.id, WebhookDelivery.status == "pending", free)
                    .values(lease_until=now + LEASE, lease_token=token)
                )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                self._in_flight.add(token)
                claimed.append(
                    _Claimed(
                        row.id,
                        token,
                        url,
                        secret,
                        row.event_id,
                        row.event_type,
                        row.body,
                        row.attempts,
                        row.created_at,
                    )
                )
        return claimed

    async def _deliver(self, row: _Claimed) -> None:
        assert self._http is not None
        attempt = await post_signed(
            self._http,
            url=row.url,
            secret=row.secret,
            event_id=row.event_id,
            event_type=row.event_type,
            body=row.body,
            timestamp=int(self.clock().timestamp()),
            allow_private=self.settings.allow_private,
        )
        await self._record(row, attempt)
        self._in_flight.discard(row.token)

    async def _record(self, row: _Claimed, attempt: Attempt) -> None:
        now = self.clock()
        attempts = row.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "last_attempt_at": now,
            "response_status": attempt.status,
            "response_body": attempt.response,
            "error": attempt.error,
            "lease_until": None,
            "lease_token": None,
        }
        if attempt.ok:
            values.update(status="delivered", delivered_at=now)
        else:
            retry_at = now + webhooks.retry_delay(attempts, self.settings.retry_base_seconds)
            if retry_at > row.created_at + self.settings.give_up_after:
                values.update(status="failed")
            else:
                values.update(next_attempt_at=retry_at)
        async with self.db.transaction() as tx:
            # Only while the lease is ours: past it another process may have taken the row.
            await tx.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == row.id, WebhookDelivery.lease_token == row.token)
                .values(**values)
            )

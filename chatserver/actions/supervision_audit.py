"""The audit record of a supervisor's action, written in the transaction that does it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatserver.db.engine import Transaction
from chatserver.db.models import SupervisionAudit
from chatserver.domain.events import SupervisorActed
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.supervision import audit_dict


@dataclass(frozen=True)
class Auditor:
    """Whom a record names. Kept apart from a live login: the record that closes a watch is
    still written after the login ended (logout, a demotion, a disabled account)."""

    agent_id: int
    name: str
    shop_id: int

    @classmethod
    def of(cls, actor: AuthenticatedAgent) -> Auditor:
        return cls(actor.agent.id, actor.agent.name, actor.shop.id)


async def write_audit(
    tx: Transaction,
    actor: AuthenticatedAgent | Auditor,
    action: str,
    conversation_id: int,
    *,
    now: datetime,
    target_agent_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    by = actor if isinstance(actor, Auditor) else Auditor.of(actor)
    row = SupervisionAudit(
        shop_id=by.shop_id,
        actor_id=by.agent_id,
        actor_name=by.name,
        action=action,
        conversation_id=conversation_id,
        target_agent_id=target_agent_id,
        detail=detail or {},
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    record = await audit_dict(tx.session, row)
    tx.record(SupervisorActed(conversation_id, by.shop_id, audit=record))
    return record

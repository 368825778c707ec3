"""The audit record of a supervisor's action, written in the transaction that does it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.db.engine import Transaction
from chatserver.db.models import SupervisionAudit
from chatserver.domain.events import SupervisorActed
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.supervision import audit_dict


async def write_audit(
    tx: Transaction,
    actor: AuthenticatedAgent,
    action: str,
    conversation_id: int,
    *,
    now: datetime,
    target_agent_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    row = SupervisionAudit(
        shop_id=actor.shop.id,
        actor_id=actor.agent.id,
        actor_name=actor.agent.name,
        action=action,
        conversation_id=conversation_id,
        target_agent_id=target_agent_id,
        detail=detail or {},
        created_at=now,
    )
    tx.session.add(row)
    await tx.session.flush()
    record = await audit_dict(tx.session, row)
    tx.record(SupervisorActed(conversation_id, actor.shop.id, audit=record))
    return record

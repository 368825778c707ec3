"""Which domain facts become webhooks, and their bodies: an SLA breach is sent, a warning not."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chatserver.domain.events import SlaAlerted
from chatserver.domain.webhooks import EVENT_TYPES, webhook_fact

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BREACH = {"conversation_id": 7, "kind": "first_response", "target_seconds": 60}


def test_an_sla_breach_is_sent_to_subscribers_with_the_alert() -> None:
    fact = webhook_fact(SlaAlerted(7, 3, alert="sla_breach", payload=BREACH, recipients=(1,)))
    assert fact is not None
    sent = fact.envelope(NOW)
    assert sent.event_type == "conversation.sla_breach"
    assert sent.event_type in EVENT_TYPES
    body = json.loads(sent.body)
    assert body["shop_id"] == 3
    assert body["data"] == {"conversation_id": 7, "breach": BREACH}


def test_an_sla_warning_stays_inside_the_shop() -> None:
    warning = SlaAlerted(7, 3, alert="sla_warning", payload=BREACH, recipients=(1,))
    assert webhook_fact(warning) is None

"""Webhook endpoints and the delivery log as the admin console reads them."""

from __future__ import annotations

from typing import Any

from chatserver.db.models import WebhookDelivery, WebhookEndpoint
from chatserver.views.wire import iso


def endpoint_dict(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        # Admins only read this (the receiver needs it to verify signatures).
        "secret": endpoint.secret,
        "enabled": endpoint.enabled,
        "created_at": iso(endpoint.created_at),
    }


def delivery_dict(row: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": row.id,
        "endpoint_id": row.endpoint_id,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "status": row.status,
        "attempts": row.attempts,
        "response_status": row.response_status,
        "response_body": row.response_body,
        "error": row.error,
        "created_at": iso(row.created_at),
        "last_attempt_at": iso(row.last_attempt_at),
        "next_attempt_at": iso(row.next_attempt_at) if row.status == "pending" else None,
        "delivered_at": iso(row.delivered_at),
    }

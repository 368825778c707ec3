"""Webhooks as rules: which facts are sent, their JSON bodies, the signature, the retry
schedule and which addresses an endpoint may reach. No I/O."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chatserver.domain.events import (
    ChatAssigned,
    ChatClosed,
    ChatCreated,
    ChatQueued,
    ChatRated,
    Event,
    MessagePosted,
    SlaAlerted,
)
from chatserver.domain.text import clean_choices
from chatserver.errors import invalid

# The event types an endpoint may subscribe to.
EVENT_TYPES = (
    "conversation.created",
    "conversation.queued",
    "conversation.assigned",
    "message.created",
    "conversation.closed",
    "conversation.rated",
    "conversation.sla_breach",
)
# Sent by the console's "send test" button only; never subscribed to.
TEST_EVENT = "webhook.test"

SIGNATURE_HEADER = "X-Chatserver-Signature"
TIMESTAMP_HEADER = "X-Chatserver-Timestamp"
EVENT_ID_HEADER = "X-Chatserver-Event-Id"
EVENT_TYPE_HEADER = "X-Chatserver-Event"
# Responses are kept this long in the delivery log.
RESPONSE_KEEP_CHARS = 500
MAX_ENDPOINTS_PER_SHOP = 20


def _data_of(event: Event) -> tuple[str, dict[str, Any]] | None:
    """The webhook type and `data` of a domain event, or None when no webhook tells of it."""
    if isinstance(event, ChatCreated):
        return "conversation.created", {"visitor_id": event.visitor_id}
    if isinstance(event, ChatQueued):
        return "conversation.queued", {"reason": event.reason, "priority": event.priority}
    if isinstance(event, ChatAssigned):
        return "conversation.assigned", {
            "agent": {"id": event.agent_id, "name": event.agent_name},
            "how": event.how,
        }
    if isinstance(event, MessagePosted):
        return "message.created", {"message": event.message, "status": event.status}
    if isinstance(event, ChatClosed):
        return "conversation.closed", {
            "reason": event.reason,
            "closed_by": event.closed_by,
            "agent_id": event.owner_id,
        }
    if isinstance(event, ChatRated):
        return "conversation.rated", {"rating": event.rating, "agent_id": event.agent_id}
    if isinstance(event, SlaAlerted) and event.alert == "sla_breach":
        return "conversation.sla_breach", {"breach": event.payload}
    return None


@dataclass(frozen=True, slots=True)
class Outgoing:
    event_id: str
    event_type: str
    shop_id: int
    body: str


@dataclass(frozen=True, slots=True)
class WebhookFact:
    """What a domain event tells endpoints, before it is stamped and written out."""

    event_type: str
    shop_id: int
    data: dict[str, Any]

    def envelope(self, now: datetime) -> Outgoing:
        return envelope(self.event_type, self.shop_id, self.data, now)


def webhook_fact(event: Event) -> WebhookFact | None:
    """The webhook this fact is, for endpoints subscribed to its type (None: not a webhook fact)."""
    found = _data_of(event)
    if found is None:
        return None
    event_type, data = found
    conversation_id = getattr(event, "conversation_id", None)
    shop_id: int = getattr(event, "shop_id")  # noqa: B009 - every webhook fact has one
    return WebhookFact(event_type, shop_id, {"conversation_id": conversation_id, **data})


def envelope(event_type: str, shop_id: int, data: dict[str, Any], now: datetime) -> Outgoing:
    event_id = str(uuid.uuid4())
    body = {
        "id": event_id,
        "type": event_type,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "shop_id": shop_id,
        "data": data,
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    return Outgoing(event_id, event_type, shop_id, text)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `{timestamp}.{body}` under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float = 3600.0) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base, 2×base, 4×base … at most `cap`."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


# ---- where an endpoint may point ---------------------------------------------------------------


def is_public_address(address: str) -> bool:
    """A globally routable unicast address: not loopback, private, link-local (cloud metadata
    at 169.254.169.254), shared, reserved, multicast or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def clean_endpoint_url(raw: Any) -> str:
    """An http or https URL with a host; addresses are checked again at every connection."""
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("请填写接收地址", field="url")
    url = raw.strip()
    if len(url) > 2000:
        raise invalid("接收地址不能超过 2000 个字符", field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise invalid("接收地址格式不正确", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("接收地址必须以 http:// 或 https:// 开头", field="url")
    if parts.username or parts.password:
        raise invalid("接收地址不能包含用户名或密码", field="url")
    if port == 0:
        raise invalid("接收地址的端口不正确", field="url")
    return url


def clean_event_types(raw: Any) -> list[str]:
    return clean_choices(
        raw, EVENT_TYPES, field="events", empty="请至少选择一种事件", unknown="不支持的事件类型"
    )

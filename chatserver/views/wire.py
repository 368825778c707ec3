"""The wire shapes of docs/protocol.md, built in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from chatserver.db.models import Agent, Conversation, ConversationNote, Message, Shop, Visitor
from chatserver.db.records import StoredMessage
from chatserver.views.media_links import present_context, present_meta


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message_dict(message: Message | StoredMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender": message.sender,
        "sender_name": message.sender_name,
        "text": message.text,
        "kind": message.kind,
        "client_id": message.client_id,
        "created_at": iso(message.created_at),
        # A photo's URLs are signed now, for this reader (views/media_links.py).
        "meta": present_meta(message.meta),
    }


def shop_dict(shop: Shop) -> dict[str, Any]:
    return {"id": shop.id, "slug": shop.slug, "name": shop.name}


def agent_brief(agent: Agent | None) -> dict[str, Any] | None:
    return None if agent is None else {"id": agent.id, "name": agent.name}


def agent_fields(agent: Agent) -> dict[str, Any]:
    """An account as staff see it (never the password hash)."""
    return {
        "id": agent.id,
        "username": agent.username,
        "name": agent.name,
        "role": agent.role,
        "max_chats": agent.max_chats,
        "status": agent.status,
    }


def agent_dict(agent: Agent, shop: Shop) -> dict[str, Any]:
    return {**agent_fields(agent), "shop": shop_dict(shop)}


class ShopperRow(Protocol):
    """What `visitor_brief` reads: a Visitor, or a Core row of those columns."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def customer_id(self) -> str | None: ...
    @property
    def customer_phone(self) -> str | None: ...
    @property
    def context(self) -> dict[str, Any] | None: ...


def visitor_brief(visitor: Visitor | ShopperRow) -> dict[str, Any]:
    """Who the shopper is for staff: `customer` is the shop's own verified customer (identify()),
    `context` what the widget last reported (domain/shopper_context.py); both null if unknown."""
    customer = (
        None
        if visitor.customer_id is None
        else {"id": visitor.customer_id, "phone": visitor.customer_phone}
    )
    return {
        "id": visitor.id,
        "name": visitor.name,
        "customer": customer,
        # The product on screen's image: signed URLs of our copy (views/media_links.py).
        "context": present_context(visitor.context),
    }


def conversation_dict(
    conversation: Conversation,
    *,
    shop: Shop,
    visitor: Visitor,
    agent: Agent | None,
    last_message: Message | None,
) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "shop": shop_dict(shop),
        "status": conversation.status,
        "priority": conversation.priority,
        "visitor": visitor_brief(visitor),
        "agent": agent_brief(agent),
        "handoff_reason": conversation.handoff_reason,
        "created_at": iso(conversation.created_at),
        "queued_at": iso(conversation.queued_at),
        "assigned_at": iso(conversation.assigned_at),
        "first_response_at": iso(conversation.first_response_at),
        "closed_at": iso(conversation.closed_at),
        "last_message": None if last_message is None else message_dict(last_message),
        "flag": conversation.flag,
        "flag_changed_at": iso(conversation.flag_changed_at),
    }


def read_marks(conversation: Conversation) -> dict[str, int]:
    """How far each side has read (已读): the highest seq the shopper and the agent have seen."""
    return {"visitor": conversation.visitor_read_seq, "agent": conversation.agent_read_seq}


def note_dict(note: ConversationNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "conversation_id": note.conversation_id,
        "author": {"id": note.author_id, "name": note.author_name},
        "text": note.text,
        "created_at": iso(note.created_at),
    }

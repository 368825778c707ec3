"""The shopper's `session` event: the conversation as it stands, with its full history."""

from __future__ import annotations

from typing import Any

from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Shop, Visitor
from chatserver.db.records import messages_of
from chatserver.domain import states
from chatserver.domain.upload_tickets import UploadTickets
from chatserver.domain.widget_settings import effective, prechat_missing
from chatserver.views.queue import QueueViews
from chatserver.views.ratings import rating_prompt
from chatserver.views.wire import agent_brief, message_dict, read_marks


class ShopperSessionView:
    def __init__(self, db: Database, queue: QueueViews, tickets: UploadTickets) -> None:
        self.db = db
        self.queue = queue
        self.tickets = tickets

    async def snapshot(self, conversation_id: int, token: str) -> dict[str, Any]:
        async with self.db.sessions() as session:
            conversation = await session.get_one(Conversation, conversation_id)
            shop = await session.get_one(Shop, conversation.shop_id)
            visitor = await session.get_one(Visitor, conversation.visitor_id)
            messages = await messages_of(session, conversation.id)
            agent = (
                await session.get(Agent, conversation.agent_id) if conversation.agent_id else None
            )
            payload: dict[str, Any] = {
                "token": token,
                "conversation_id": conversation.id,
                "status": conversation.status,
                "messages": [message_dict(m) for m in messages],
                "agent": agent_brief(agent) if conversation.status == states.ASSIGNED else None,
                "queue": None,
                "shop": {"slug": shop.slug, "name": shop.name},
                "visitor": {
                    "id": visitor.id,
                    "name": visitor.name,
                    "customer_id": visitor.customer_id,
                },
                "rating": await rating_prompt(session, conversation),
                # Pre-chat fields and the invitation (domain/widget_settings.py).
                "widget": effective(shop.widget_settings),
                "prechat_done": prechat_missing(shop.widget_settings, visitor.context) is None,
                "read": read_marks(conversation),
                # Photos: `Authorization: Visitor <upload_token>` (domain/upload_tickets.py).
                "upload_token": self.tickets.issue(visitor.id),
            }
        if payload["status"] == states.QUEUED:
            payload["queue"] = await self.queue.position_of(shop.id, conversation_id)
        return payload

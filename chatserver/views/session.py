"""The shopper's `session` event: the conversation as it stands, with its full history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.visitor_session import OpenedSession
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Message, Shop, Visitor
from chatserver.db.records import StoredMessage, messages_of
from chatserver.domain import states
from chatserver.domain.upload_tickets import UploadTickets
from chatserver.domain.widget_settings import effective, prechat_missing
from chatserver.views.queue import QueueViews
from chatserver.views.ratings import NOT_ASKED, rating_prompt
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
            payload = await self._payload(session, token, shop, visitor, conversation, None)
            return await self._with_queue(session, payload, shop.id)

    async def greeting(self, session: AsyncSession | None, opened: OpenedSession) -> dict[str, Any]:
        """The connect's `session`, from the rows it already holds: inside its transaction, or
        (None) for a conversation just started, which has nothing else to read."""
        history = opened.history
        if history is not None:
            # A resume read in a batch (actions/resuming_shoppers.py): everything is read.
            payload = self._wire(
                opened.token,
                opened.shop,
                opened.visitor,
                opened.conversation,
                history.messages,
                history.rating,
                history.agent,
            )
            payload["queue"] = history.queue
            return payload
        payload = await self._payload(
            session,
            opened.token,
            opened.shop,
            opened.visitor,
            opened.conversation,
            opened.greeting,
        )
        return await self._with_queue(session, payload, opened.shop.id)

    async def _payload(
        self,
        session: AsyncSession | None,
        token: str,
        shop: Shop,
        visitor: Visitor,
        conversation: Conversation,
        greeting: Message | StoredMessage | None,
    ) -> dict[str, Any]:
        # A conversation started just now holds only its greeting and was never closed, so
        # there is neither a history nor a rating round to read.
        messages: Sequence[Message | StoredMessage]
        if greeting is not None:
            messages, rating, agent = [greeting], dict(NOT_ASKED), None
        else:
            assert session is not None, "only a conversation started just now needs no reading"
            messages = await messages_of(session, conversation.id)
            rating = await rating_prompt(session, conversation)
            assigned = conversation.status == states.ASSIGNED and conversation.agent_id
            agent = await session.get(Agent, conversation.agent_id) if assigned else None
        return self._wire(token, shop, visitor, conversation, messages, rating, agent)

    def _wire(
        self,
        token: str,
        shop: Shop,
        visitor: Visitor,
        conversation: Conversation,
        messages: Sequence[Message | StoredMessage],
        rating: dict[str, Any],
        agent: Agent | None,
    ) -> dict[str, Any]:
        return {
            "token": token,
            "conversation_id": conversation.id,
            "status": conversation.status,
            "messages": [message_dict(m) for m in messages],
            "agent": agent_brief(agent),
            "queue": None,
            "shop": {"slug": shop.slug, "name": shop.name},
            "visitor": {
                "id": visitor.id,
                "name": visitor.name,
                "customer_id": visitor.customer_id,
            },
            "rating": rating,
            # Pre-chat fields and the invitation (domain/widget_settings.py).
            "widget": effective(shop.widget_settings),
            "prechat_done": prechat_missing(shop.widget_settings, visitor.context) is None,
            "read": read_marks(conversation),
            # Photos: `Authorization: Visitor <upload_token>` (domain/upload_tickets.py).
            "upload_token": self.tickets.issue(visitor.id),
        }

    async def _with_queue(
        self, session: AsyncSession | None, payload: dict[str, Any], shop_id: int
    ) -> dict[str, Any]:
        if payload["status"] == states.QUEUED and session is not None:
            # In the caller's session: on SQLite its one connection is the only one there is.
            _waiting, positions = await self.queue.positions(session, shop_id)
            payload["queue"] = positions.get(payload["conversation_id"])
        return payload

"""The widget reports where the shopper is (domain/shopper_context.py): stored on the visitor,
and told to the staff serving the chat, live."""

from __future__ import annotations

from typing import Any

from chatserver.actions.visitor_session import VisitorContext
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, Visitor, utcnow
from chatserver.db.records import lock_row
from chatserver.domain import states
from chatserver.domain.events import ContextImageWanted, VisitorContextChanged, Wire
from chatserver.domain.shopper_context import (
    describe_device,
    image_to_fetch,
    parse_context_update,
    updated_context,
)
from chatserver.errors import AppError
from chatserver.views.media_links import present_context


class ShopperContexts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_report(
        self, context: VisitorContext, raw: Any, *, user_agent: str | None
    ) -> dict[str, Any]:
        page, product, product_given = parse_context_update(raw)
        now = utcnow()
        async with self.db.transaction() as tx:
            visitor = await lock_row(tx.session, Visitor, context.visitor_id)
            if visitor is None:
                raise AppError("not_found", "访客不存在")
            visitor.context = updated_context(
                visitor.context,
                page=page,
                product=product,
                product_given=product_given,
                device=describe_device(user_agent),
                now=now,
            )
            conversation = await tx.session.get_one(Conversation, context.conversation_id)
            image = image_to_fetch(visitor.context)
            if image is not None:
                tx.record(
                    ContextImageWanted(conversation.id, conversation.shop_id, visitor.id, image)
                )
            return {"context": tell_staff(tx, conversation, visitor)}


def tell_staff(tx: Transaction, conversation: Conversation, visitor: Visitor) -> Wire | None:
    """The shopper's context as staff see it; sent to the serving agent (after commit) while a
    person handles the chat."""
    shown = present_context(visitor.context)
    if conversation.status in states.HUMAN_STATES:
        tx.record(
            VisitorContextChanged(
                conversation.id,
                conversation.shop_id,
                visitor_id=visitor.id,
                agent_id=conversation.agent_id,
                context=shown or {},
            )
        )
    return shown

"""留言: the message a shopper leaves when nobody can answer now (actions/service_hours.py
offers the form); stored, it waits in the queue for the next shift."""

from __future__ import annotations

from typing import Any

from chatserver.actions.blocks import blocked_reply
from chatserver.actions.closing import reopen
from chatserver.actions.handoff import queue_chat
from chatserver.actions.service_hours import Clock, service_state
from chatserver.actions.visitor_session import VisitorContext
from chatserver.commands.leave_message import LeaveMessage
from chatserver.db.engine import Database
from chatserver.db.models import Visitor, utcnow
from chatserver.db.records import append_message, find_by_client_id, lock_conversation
from chatserver.domain import handoff, states
from chatserver.domain.events import MessagePosted
from chatserver.domain.leave_message import received_text
from chatserver.errors import AppError
from chatserver.views.blocks import active_block
from chatserver.views.wire import message_dict

LEAVE_MESSAGE_REASON = "leave_message"


class LeaveMessages:
    def __init__(self, db: Database, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def do_leave_message(
        self, context: VisitorContext, command: LeaveMessage
    ) -> dict[str, Any]:
        """`{message, status}`: the 留言 stored as the shopper's message, the chat queued for
        the next shift (already waiting or served: just added to the chat)."""
        form = command.form()
        now, at = utcnow(), self.clock()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, context.conversation_id)
            existing = await find_by_client_id(session, conversation.id, command.client_id)
            if existing is not None:
                if existing.sender != "visitor":
                    raise AppError("conflict", "client_id 已被使用，请换一个")
                return {"message": message_dict(existing), "status": conversation.status}
            block = await active_block(session, context.visitor_id)
            if block is None and conversation.status == states.CLOSED:
                reopen(tx, conversation, now)
            visitor = await session.get_one(Visitor, context.visitor_id)
            visitor.last_seen_at = now
            message = await append_message(
                session,
                conversation,
                sender="visitor",
                sender_name=visitor.name,
                text=form.as_text(),
                meta=form.meta(),
                client_id=command.client_id,
                now=now,
            )
            wire = message_dict(message)
            queue = block is None and conversation.status == states.BOT
            if block is None and conversation.status == states.QUEUED:
                conversation.handoff_reason = LEAVE_MESSAGE_REASON  # waiting: now marked 留言
            tx.record(
                MessagePosted(
                    conversation.id,
                    conversation.shop_id,
                    message=wire,
                    status=states.QUEUED if queue else conversation.status,
                    agent_id=conversation.agent_id,
                    posted_at=now,
                )
            )
            if block is not None:
                await blocked_reply(tx, conversation, block, now)
            elif queue:
                state = await service_state(tx, conversation, at)
                await queue_chat(
                    tx,
                    conversation,
                    reason=LEAVE_MESSAGE_REASON,
                    priority=1 if handoff.is_complaint(form.text) else 0,
                    now=now,
                    actor_type="visitor",
                    actor_id=context.visitor_id,
                    waiting_since=now,
                    notice_text=received_text(state.availability, at, state.zone),
                )
            status = conversation.status
        return {"message": wire, "status": status}

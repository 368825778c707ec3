"""bot → queued: the shopper asked for a person, complained, or the bot could not help."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.actions.blocks import blocked_reply
from chatserver.actions.closing import reopen
from chatserver.actions.visitor_session import BOT_NAME, VisitorContext
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, utcnow
from chatserver.db.records import append_message, lock_conversation, transition
from chatserver.domain import sla, states
from chatserver.domain.events import ChatQueued, RoutingRequested
from chatserver.views.blocks import active_block
from chatserver.views.groups import group_for_handoff
from chatserver.views.queue import QueueViews
from chatserver.views.wire import message_dict

HANDOFF_NOTICE = "好的，正在为您转接人工客服，请稍候，客服接入后会第一时间回复您。"
COMPLAINT_NOTICE = "非常抱歉给您带来不好的体验，已为您优先转接人工客服，我们会尽快为您处理。"
PHOTO_NOTICE = "已收到您的图片，正在为您转接人工客服，客服接入后会第一时间查看并回复您。"
NOTICES = {"complaint": COMPLAINT_NOTICE, "photo": PHOTO_NOTICE}


async def queue_chat(
    tx: Transaction,
    conversation: Conversation,
    *,
    reason: str,
    priority: int,
    now: datetime,
    actor_type: str,
    actor_id: int | None,
    waiting_since: datetime,
) -> None:
    """bot → queued on a locked conversation, with the notice the shopper reads."""
    session = tx.session
    # The group is picked from what the shopper asked (售后 for returns, damage, complaints …).
    group = await group_for_handoff(session, conversation, reason)
    conversation.group_id = None if group is None else group.id
    transition(
        session,
        conversation,
        states.QUEUED,
        event="handoff",
        now=now,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
        data={"group_id": conversation.group_id},
    )
    conversation.handoff_reason = reason
    conversation.priority = max(conversation.priority, priority)
    conversation.queued_at = now
    conversation.awaiting_since = sla.on_handoff(conversation.awaiting_since, waiting_since)
    notice = await append_message(
        session,
        conversation,
        sender="bot",
        sender_name=BOT_NAME,
        text=NOTICES.get(reason, HANDOFF_NOTICE),
        kind="event",
        meta={"event": "queued", "reason": reason},
        now=now,
    )
    tx.record(
        ChatQueued(
            conversation.id,
            conversation.shop_id,
            reason=reason,
            priority=conversation.priority,
            notice=message_dict(notice),
        )
    )


class Handoff:
    def __init__(self, db: Database, queue: QueueViews) -> None:
        self.db = db
        self.queue = queue

    async def do_request_handoff(self, context: VisitorContext) -> dict[str, Any]:
        """The 转人工 button: `{queue, status}` as they stand once the request is stored.
        Already queued or assigned: the current state. The clock starts at the request."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = await lock_conversation(tx.session, context.conversation_id)
            block = await active_block(tx.session, context.visitor_id)
            if block is not None:
                # A blocked shopper is never queued: the fixed reply is all they get.
                await blocked_reply(tx, conversation, block, now)
            elif conversation.status == states.CLOSED:
                reopen(tx, conversation, now)
            if block is None and conversation.status == states.BOT:
                await queue_chat(
                    tx,
                    conversation,
                    reason="requested",
                    priority=0,
                    now=now,
                    actor_type="visitor",
                    actor_id=context.visitor_id,
                    waiting_since=now,
                )
            elif block is None and conversation.status == states.QUEUED:
                # Asked again while waiting: look for a free agent again.
                tx.record(RoutingRequested(conversation.shop_id))
            status = conversation.status
        queue = (
            await self.queue.position_of(context.shop_id, context.conversation_id)
            if status == states.QUEUED
            else None
        )
        return {"queue": queue, "status": status}

"""bot → queued: the shopper asked for a person, complained, or the bot could not help."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.actions.blocks import blocked_reply
from chatserver.actions.closing import reopen
from chatserver.actions.complaints import open_on_handoff
from chatserver.actions.customers import lock_shoppers_chat, writable_conversation
from chatserver.actions.new_shoppers import BOT_NAME
from chatserver.actions.service_hours import Clock, offer_leave_message, service_state
from chatserver.actions.visitor_session import VisitorContext
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, utcnow
from chatserver.db.records import append_message, transition
from chatserver.domain import sla, states
from chatserver.domain.events import ChatQueued, RoutingRequested
from chatserver.domain.leave_message import LEAVE_MESSAGE_REASON, received_text
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
    notice_text: str | None = None,
    offer: dict[str, Any] | None = None,
) -> None:
    """bot → queued on a locked conversation, with the notice the shopper reads (and the
    留言 offer it carries when nobody is online to take the chat)."""
    session = tx.session
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
        text=notice_text or NOTICES.get(reason, HANDOFF_NOTICE),
        kind="event",
        meta={"event": "queued", "reason": reason}
        | ({"leave_message_offer": offer} if offer else {}),
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
    if reason == "complaint":
        await open_on_handoff(tx, conversation, now)


async def request_person(
    tx: Transaction,
    conversation: Conversation,
    *,
    reason: str,
    priority: int,
    now: datetime,
    at: datetime,
    actor_type: str,
    actor_id: int | None,
    waiting_since: datetime,
) -> dict[str, Any] | None:
    """A person is wanted on a locked chat the bot owns. Outside the shop's hours the chat
    stays with the bot, which says when people are back and offers 留言; inside them it is
    queued, and with nobody of its group online the notice says so and offers 留言 too.
    A 留言 (`reason="leave_message"`) is always queued, with the bot's confirmation.
    `at` is the service clock's now. Returns the 留言 offer when one was made."""
    # The group first (售后 for returns, damage, complaints …): whether someone can answer is
    # asked of the group that would serve it, and queue_chat queues it there.
    group = await group_for_handoff(tx.session, conversation, reason)
    conversation.group_id = None if group is None else group.id
    state = await service_state(tx, conversation, at)
    leaving = reason == LEAVE_MESSAGE_REASON
    offer = None if state.answerable or leaving else state.wire(at)
    if not leaving and not state.availability.open:
        return await offer_leave_message(tx, conversation, state, at=at, now=now, wanted=reason)
    notice: str | None
    if leaving:
        notice = received_text(state.availability, at, state.zone)
    else:
        notice = None if offer is None else state.offer_text(at, wanted=reason)
    await queue_chat(
        tx,
        conversation,
        reason=reason,
        priority=priority,
        now=now,
        actor_type=actor_type,
        actor_id=actor_id,
        waiting_since=waiting_since,
        notice_text=notice,
        offer=offer,
    )
    return offer


class Handoff:
    def __init__(self, db: Database, queue: QueueViews, clock: Clock = utcnow) -> None:
        self.db = db
        self.queue = queue
        self.clock = clock

    async def do_request_handoff(self, context: VisitorContext) -> dict[str, Any]:
        """The 转人工 button: `{queue, status}` as they stand once the request is stored.
        Already queued or assigned: the current state. The clock starts at the request.
        Nobody to answer now: the bot's 留言 offer, also as `leave_message`."""
        now, at = utcnow(), self.clock()
        offer = None
        async with self.db.transaction() as tx:
            conversation = await writable_conversation(
                tx.session, await lock_shoppers_chat(tx.session, context.conversation_id)
            )
            block = await active_block(tx.session, conversation.visitor_id)
            if block is not None:
                # A blocked shopper is never queued: the fixed reply is all they get.
                await blocked_reply(tx, conversation, block, now)
            elif conversation.status == states.CLOSED:
                reopen(tx, conversation, now)
            if block is None and conversation.status == states.BOT:
                offer = await request_person(
                    tx,
                    conversation,
                    reason="requested",
                    priority=0,
                    now=now,
                    at=at,
                    actor_type="visitor",
                    actor_id=conversation.visitor_id,
                    waiting_since=now,
                )
            elif block is None and conversation.status == states.QUEUED:
                # Asked again while waiting: look for a free agent again.
                tx.record(RoutingRequested(conversation.shop_id))
            status = conversation.status
        queue = (
            await self.queue.position_of(context.shop_id, conversation.id)
            if status == states.QUEUED
            else None
        )
        answer: dict[str, Any] = {"queue": queue, "status": status}
        if offer is not None:
            answer["leave_message"] = offer
        return answer

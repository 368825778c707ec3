"""The block list (拒访客户清单): staff block an abusive shopper; supervisors unblock.

Blocking closes the shopper's open chat. From then on their messages are stored but never
reach a person: no handoff, no queue, no bot turn; the bot answers with one fixed sentence at
most once a minute (`blocked_reply`, called by the message and handoff actions under the
conversation's lock). Any staff member of the shop may block; only a supervisor or admin may
unblock. Another shop's conversation or block does not exist for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.actions.checks import SUPERVISING_ROLES, check_in_shop
from chatserver.actions.closing import close_chat
from chatserver.actions.new_shoppers import BOT_NAME
from chatserver.commands.blocks import BlockShopper
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Conversation, ShopperBlock, Visitor, utcnow
from chatserver.db.records import append_message, lock_row, record_event
from chatserver.domain import blocks, states
from chatserver.domain.events import ChatClosed, MessagePosted, ShopperBlocked, ShopperUnblocked
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.blocks import active_block, block_dict
from chatserver.views.wire import message_dict


async def blocked_reply(
    tx: Transaction, conversation: Conversation, block: ShopperBlock, now: datetime
) -> None:
    """The bot's fixed reply to a blocked shopper, unless it was sent less than a minute ago."""
    if not blocks.may_reply(block.last_reply_at, now):
        return
    block.last_reply_at = now
    reply = await append_message(
        tx.session,
        conversation,
        sender="bot",
        sender_name=BOT_NAME,
        text=blocks.BLOCKED_REPLY,
        now=now,
    )
    tx.record(
        MessagePosted(
            conversation.id,
            conversation.shop_id,
            message=message_dict(reply),
            status=conversation.status,
            agent_id=conversation.agent_id,
            posted_at=now,
        )
    )


async def _close_for_block(
    tx: Transaction, conversation: Conversation, actor: AuthenticatedAgent, now: datetime
) -> None:
    """The open chat ends with the fixed reply as its last word; nobody is asked to rate it."""
    owner_id = conversation.agent_id
    _closing, farewell = await close_chat(
        tx,
        conversation,
        actor_id=actor.agent.id,
        reason="blocked",
        ask_rating=False,
        sender=("bot", BOT_NAME),
        text=blocks.BLOCKED_REPLY,
        now=now,
    )
    tx.record(
        ChatClosed(
            conversation.id,
            conversation.shop_id,
            owner_id=owner_id,
            closed_by=actor.agent.id,
            reason="blocked",
            farewell=message_dict(farewell),
        )
    )


class Blocks:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_block(
        self, actor: AuthenticatedAgent, command: BlockShopper, *, sid: str | None = None
    ) -> dict[str, Any]:
        """`{block}`. Blocking a shopper already blocked returns their block unchanged."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = check_in_shop(
                await lock_row(session, Conversation, command.conversation_id), actor
            )
            visitor = await session.get_one(Visitor, conversation.visitor_id)
            existing = await active_block(session, visitor.id)
            if existing is not None:
                return {"block": block_dict(existing, visitor.name)}
            block = ShopperBlock(
                shop_id=conversation.shop_id,
                visitor_id=visitor.id,
                conversation_id=conversation.id,
                reason=command.reason,
                blocked_by=actor.agent.id,
                blocked_by_name=actor.agent.name,
                created_at=now,
            )
            session.add(block)
            await session.flush()
            record_event(
                session,
                conversation,
                type="shopper_blocked",
                now=now,
                actor_type="agent",
                actor_id=actor.agent.id,
                data={"block_id": block.id, "visitor_id": visitor.id, "reason": command.reason},
            )
            if conversation.status != states.CLOSED:
                await _close_for_block(tx, conversation, actor, now)
                block.last_reply_at = now
            wire = block_dict(block, visitor.name)
            tx.record(
                ShopperBlocked(conversation.id, conversation.shop_id, block=wire, origin_sid=sid)
            )
        return {"block": wire}

    async def do_unblock(self, actor: AuthenticatedAgent, block_id: int) -> dict[str, Any]:
        """`{id}` of the block removed. The shopper's next message is served as usual."""
        if actor.agent.role not in SUPERVISING_ROLES:
            raise AppError("forbidden", "只有主管或管理员可以解除拉黑")
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            found = await session.get(ShopperBlock, block_id)
            if found is None or found.shop_id != actor.shop.id:
                raise AppError("not_found", "拒访记录不存在")
            # The conversation's lock first, as every shopper message takes it, then the row.
            conversation = await lock_row(session, Conversation, found.conversation_id)
            block = await lock_row(session, ShopperBlock, block_id)
            if conversation is None or block is None:
                raise AppError("not_found", "拒访记录不存在")
            record_event(
                session,
                conversation,
                type="shopper_unblocked",
                now=now,
                actor_type="agent",
                actor_id=actor.agent.id,
                data={"block_id": block.id, "visitor_id": block.visitor_id},
            )
            tx.record(
                ShopperUnblocked(
                    conversation.id,
                    conversation.shop_id,
                    block_id=block.id,
                    visitor_id=block.visitor_id,
                    by={"id": actor.agent.id, "name": actor.agent.name},
                )
            )
            await session.delete(block)
        return {"id": block_id}

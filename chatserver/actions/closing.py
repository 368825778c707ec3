"""→ closed (an agent ends the chat) and closed → bot (the shopper writes again)."""

from __future__ import annotations

from datetime import datetime

from chatserver.actions.checks import check_in_shop, check_may_close
from chatserver.commands.chat import ConversationRef
from chatserver.db.engine import Database, Transaction
from chatserver.db.models import Agent, Conversation, ConversationEvent, Shop, utcnow
from chatserver.db.records import StoredMessage, append_message, lock_row, transition
from chatserver.domain import ratings, states
from chatserver.domain.events import ChatClosed, ChatReopened
from chatserver.domain.greeting import render_farewell
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.ratings import close_event_data, prompt_dict
from chatserver.views.wire import message_dict

SYSTEM_NAME = "系统"


def reopen(tx: Transaction, conversation: Conversation, now: datetime) -> None:
    """closed → bot on a locked conversation: a fresh start, every clock cleared."""
    transition(
        tx.session, conversation, states.BOT, event="reopened", now=now, actor_type="visitor"
    )
    conversation.agent_id = None
    conversation.priority = 0
    conversation.handoff_reason = None
    conversation.bot_misses = 0
    conversation.awaiting_since = None
    conversation.queued_at = None
    conversation.assigned_at = None
    conversation.first_response_at = None
    conversation.closed_at = None
    tx.record(ChatReopened(conversation.id, conversation.shop_id))


async def close_chat(
    tx: Transaction,
    conversation: Conversation,
    *,
    actor_id: int,
    reason: str,
    ask_rating: bool,
    sender: tuple[str, str],
    text: str,
    now: datetime,
) -> tuple[ConversationEvent, StoredMessage]:
    """→ closed on a locked conversation, ended by the line `text`: the closing event row and
    that message. The caller records ChatClosed (it knows whether a rating is asked)."""
    closing = transition(
        tx.session,
        conversation,
        states.CLOSED,
        event="closed",
        now=now,
        actor_type="agent",
        actor_id=actor_id,
        reason=reason,
        data=close_event_data(conversation.agent_id, ask_rating),
    )
    conversation.closed_at = now
    conversation.awaiting_since = None
    farewell = await append_message(
        tx.session,
        conversation,
        sender=sender[0],
        sender_name=sender[1],
        text=text,
        kind="event",
        meta={"event": "closed"},
        now=now,
    )
    return closing, farewell


class Closing:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_close(self, actor: AuthenticatedAgent, command: ConversationRef) -> None:
        """Closing a closed chat again is fine: the agent's intent already holds."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = check_in_shop(
                await lock_row(tx.session, Conversation, command.conversation_id), actor
            )
            if conversation.status == states.CLOSED:
                return
            check_may_close(conversation, actor)
            owner_id = conversation.agent_id
            shop = await tx.session.get_one(Shop, conversation.shop_id)
            # The survey after service: only a round a person served is rated.
            ask = ratings.asks_for_rating(conversation.status, owner_id)
            closing, farewell = await close_chat(
                tx,
                conversation,
                actor_id=actor.agent.id,
                reason="agent",
                ask_rating=ask,
                sender=("system", SYSTEM_NAME),
                # The shop's own words (shops.farewell_template), signed by whoever closed it.
                text=render_farewell(
                    shop.farewell_template, shop=shop.name, agent=actor.agent.name
                ),
                now=now,
            )
            # The farewell's flush gave the closing row its id: the round the shopper rates.
            prompt = (
                prompt_dict(closing.id, await tx.session.get(Agent, owner_id))
                if ask and owner_id is not None
                else None
            )
            tx.record(
                ChatClosed(
                    conversation.id,
                    conversation.shop_id,
                    owner_id=owner_id,
                    closed_by=actor.agent.id,
                    reason="agent",
                    farewell=message_dict(farewell),
                    rating=prompt,
                )
            )

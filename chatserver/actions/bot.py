"""The bot's turn: answer from the shop's FAQ, offer choices, or hand the chat to a person.

What to do is decided by domain/handoff.py; this applies it while the bot still owns the chat.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.bot_gaps import record_question
from chatserver.actions.handoff import request_person
from chatserver.actions.new_shoppers import BOT_NAME
from chatserver.actions.service_hours import Clock
from chatserver.db.engine import Database
from chatserver.db.learning import BotQuestion
from chatserver.db.models import utcnow
from chatserver.db.records import append_message, lock_conversation
from chatserver.domain import handoff, states
from chatserver.domain.bot_gaps import outcome_of
from chatserver.domain.events import MessagePosted
from chatserver.services.faq_registry import FaqRegistry
from chatserver.views.blocks import active_block
from chatserver.views.wire import message_dict

SUGGEST_PROMPT = "我不太确定您想问的是哪一个，您可以点选下面的问题，或者换个说法告诉我："
# Replies to small talk: polite, short, and pointing to what the bot can do.
SMALL_TALK_REPLIES = {
    "chat": "您好，我在的！请问有什么可以帮您？发货、退换货、尺码、优惠等问题都可以直接问我，需要人工客服请点击“转人工”。",
    "thanks": "不客气，很高兴能帮到您！如果还有其他问题，随时告诉我。",
}
FALLBACK = (
    "抱歉，这个问题我暂时没能理解。您可以换个说法再问一次，或者点击“转人工”，由客服为您解答。"
)


class BotTurns:
    def __init__(self, db: Database, faq: FaqRegistry, clock: Clock = utcnow) -> None:
        self.db = db
        self.faq = faq
        self.clock = clock

    async def do_bot_turn(
        self,
        conversation_id: int,
        shop_id: int,
        text: str,
        faq_id: str | None,
        asked_at: datetime,
        message_id: int | None = None,
        *,
        photo: bool = False,
    ) -> None:
        """`asked_at`: when the shopper sent `text` (message `message_id`); a handoff's response
        clock starts there. What the bot decided is recorded with the turn (bot_questions).
        A person wanted while nobody can answer (the message action left it to us): the bot
        says when people are back and offers the 留言 form."""
        # Matching runs before the transaction: it is CPU work, and the write lock is precious.
        # Whether the bot may still answer is decided under the lock below, once: reading it
        # here as well cost every question a transaction of its own (docs/benchmarks.md).
        chosen = await self.faq.answer_of(shop_id, faq_id) if faq_id else None
        small_talk = None if chosen or photo else await self.faq.small_talk(shop_id, text)
        result, suggestions = (
            (None, []) if chosen or photo else await self.faq.match_with_choices(shop_id, text)
        )
        choices: list[dict[str, Any]] = [
            {"faq_id": m.id, "question": m.question} for m in suggestions
        ]
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, conversation_id)
            if conversation.status != states.BOT:
                return  # a person took over while we were thinking: the bot stays silent
            if await active_block(session, conversation.visitor_id) is not None:
                return  # blocked (also before logging in): the fixed reply only, never the bot
            if message_id is not None and await _answered(session, conversation_id, message_id):
                # A second run of the same turn (the dispatcher retries a listener cut off by
                # the database; its first commit may have gone through): answer once only.
                return
            decision = (
                handoff.photo_sent()
                if photo
                else handoff.decide(
                    text,
                    confident=chosen is not None or bool(result and result.confident),
                    has_suggestions=bool(choices),
                    misses_so_far=conversation.bot_misses,
                    small_talk=small_talk is not None,
                )
            )
            best = result.best if result is not None else None
            record_question(
                session,
                conversation,
                text=text,
                message_id=message_id,
                outcome=outcome_of(decision.action, decision.reason, tapped_choice=bool(chosen)),
                faq_id=faq_id if chosen else (best.id if best else None),
                score=None if chosen or best is None else best.score,
                now=now,
            )
            if decision.action == "handoff":
                assert decision.reason is not None
                await request_person(
                    tx,
                    conversation,
                    reason=decision.reason,
                    priority=decision.priority,
                    now=now,
                    at=self.clock(),
                    actor_type="bot",
                    actor_id=None,
                    waiting_since=conversation.awaiting_since or asked_at,
                )
                return
            kind = "text"
            meta: dict[str, Any] = {}
            if decision.action == "answer":
                conversation.bot_misses = 0
                if chosen is not None:
                    answer, meta = chosen[1], {"faq_id": faq_id}
                else:
                    assert result is not None and result.best is not None
                    answer, meta = result.best.answer, {"faq_id": result.best.id}
            elif decision.action == "small_talk":
                answer = SMALL_TALK_REPLIES.get(small_talk or "chat", SMALL_TALK_REPLIES["chat"])
                meta = {"small_talk": small_talk}
            elif decision.action == "suggest":
                conversation.bot_misses += 1
                answer, kind, meta = SUGGEST_PROMPT, "suggestions", {"choices": choices}
            else:
                conversation.bot_misses += 1
                answer = FALLBACK
            reply = await append_message(
                session,
                conversation,
                sender="bot",
                sender_name=BOT_NAME,
                text=answer,
                kind=kind,
                meta=meta,
                now=now,
            )
            tx.record(
                MessagePosted(
                    conversation.id,
                    conversation.shop_id,
                    message=message_dict(reply),
                    status=conversation.status,
                    agent_id=None,
                    posted_at=now,
                )
            )


_bot_questions = BotQuestion.__table__
# Built once: asked on every bot turn.
_TURN_RECORDED = (
    select(_bot_questions.c.id)
    .where(
        _bot_questions.c.conversation_id == bindparam("conversation_id"),
        _bot_questions.c.message_id == bindparam("message_id"),
    )
    .limit(1)
)


async def _answered(session: AsyncSession, conversation_id: int, message_id: int) -> bool:
    """The bot already recorded its turn for this shopper message."""
    connection = await session.connection()
    found = await connection.scalar(
        _TURN_RECORDED, {"conversation_id": conversation_id, "message_id": message_id}
    )
    return found is not None

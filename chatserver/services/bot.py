"""The bot's turn: answer from the shop's FAQ, offer choices, or hand the chat to a person.

What to do is decided by domain/handoff.py; this applies it while the bot still owns the chat.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chatserver.db.models import Conversation, utcnow
from chatserver.domain import handoff, states
from chatserver.services.conversations import BOT_NAME
from chatserver.services.records import append_message, lock_conversation
from chatserver.services.serialize import message_dict

if TYPE_CHECKING:
    from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

SUGGEST_PROMPT = "我不太确定您想问的是哪一个，您可以点选下面的问题，或者换个说法告诉我："
# Replies to small talk: polite, short, and pointing to what the bot can do.
SMALL_TALK_REPLIES = {
    "chat": "您好，我在的！请问有什么可以帮您？发货、退换货、尺码、优惠等问题都可以直接问我，需要人工客服请点击“转人工”。",
    "thanks": "不客气，很高兴能帮到您！如果还有其他问题，随时告诉我。",
}
FALLBACK = (
    "抱歉，这个问题我暂时没能理解。您可以换个说法再问一次，或者点击“转人工”，由客服为您解答。"
)


class BotService:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def respond(
        self, conversation_id: int, text: str, faq_id: str | None, *, asked_at: datetime
    ) -> None:
        """`asked_at`: when the shopper sent `text`; a handoff's response clock starts there."""
        try:
            await self._respond(conversation_id, text, faq_id, asked_at)
        except Exception:
            log.exception("bot reply failed for conversation %s", conversation_id)

    async def _respond(
        self, conversation_id: int, text: str, faq_id: str | None, asked_at: datetime
    ) -> None:
        async with self.hub.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.status != states.BOT:
                return
            shop_id = conversation.shop_id
        # Matching runs outside the transaction: it is CPU work, and the write lock is precious.
        chosen = await self.hub.faq.answer_of(shop_id, faq_id) if faq_id else None
        small_talk = None if chosen else await self.hub.faq.small_talk(shop_id, text)
        result = None if chosen else await self.hub.faq.match(shop_id, text)
        choices: list[dict[str, Any]] = []
        if result is not None and not result.confident:
            suggestions = await self.hub.faq.suggest(shop_id, text)
            choices = [{"faq_id": m.id, "question": m.question} for m in suggestions]
        now = utcnow()
        async with self.hub.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, conversation_id)
            if conversation.status != states.BOT:
                return  # a person took over while we were thinking: the bot stays silent
            confident = chosen is not None or bool(result and result.confident)
            decision = handoff.decide(
                text,
                confident=confident,
                has_suggestions=bool(choices),
                misses_so_far=conversation.bot_misses,
                small_talk=small_talk is not None,
            )
            if decision.action == "handoff":
                assert decision.reason is not None
                reply = await self.hub.conversations.move_to_queue(
                    session,
                    conversation,
                    reason=decision.reason,
                    priority=decision.priority,
                    now=now,
                    actor_type="bot",
                    actor_id=None,
                    waiting_since=conversation.awaiting_since or asked_at,
                )
            elif decision.action == "answer":
                conversation.bot_misses = 0
                if chosen is not None:
                    answer, meta = chosen[1], {"faq_id": faq_id}
                else:
                    assert result is not None and result.best is not None
                    answer, meta = result.best.answer, {"faq_id": result.best.id}
                reply = await append_message(
                    session,
                    conversation,
                    sender="bot",
                    sender_name=BOT_NAME,
                    text=answer,
                    meta=meta,
                    now=now,
                )
            elif decision.action == "small_talk":
                reply = await append_message(
                    session,
                    conversation,
                    sender="bot",
                    sender_name=BOT_NAME,
                    text=SMALL_TALK_REPLIES.get(small_talk or "chat", SMALL_TALK_REPLIES["chat"]),
                    meta={"small_talk": small_talk},
                    now=now,
                )
            elif decision.action == "suggest":
                conversation.bot_misses += 1
                reply = await append_message(
                    session,
                    conversation,
                    sender="bot",
                    sender_name=BOT_NAME,
                    text=SUGGEST_PROMPT,
                    kind="suggestions",
                    meta={"choices": choices},
                    now=now,
                )
            else:
                conversation.bot_misses += 1
                reply = await append_message(
                    session,
                    conversation,
                    sender="bot",
                    sender_name=BOT_NAME,
                    text=FALLBACK,
                    now=now,
                )
            wire = message_dict(reply)
            tx.on_commit(
                lambda: self.hub.notifier.to_conversation(conversation_id, "message", wire)
            )
        if decision.action == "handoff":
            await self.hub.queue.dispatch(shop_id)

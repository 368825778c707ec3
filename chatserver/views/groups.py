"""Which group a chat handed to people belongs to, and the groups agents belong to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import Conversation, FaqEntry, Group, Message
from chatserver.domain import groups

# The shopper's recent words the rule reads: the question that led to the handoff is among
# them, an order problem mentioned a few turns earlier too.
RECENT_SHOPPER_TEXTS = 6


async def last_answer_category(session: AsyncSession, conversation_id: int) -> str | None:
    """The FAQ category of the bot's last answer in this conversation, if it answered one."""
    answers = await session.scalars(
        select(Message.meta)
        .where(
            Message.conversation_id == conversation_id,
            Message.sender == "bot",
            Message.kind == "text",
        )
        .order_by(Message.seq.desc())
        .limit(5)
    )
    for meta in answers:
        faq_id = (meta or {}).get("faq_id")
        if isinstance(faq_id, str) and faq_id.isascii() and faq_id.isdigit():
            return await session.scalar(select(FaqEntry.category).where(FaqEntry.id == int(faq_id)))
    return None


async def group_for_handoff(
    session: AsyncSession, conversation: Conversation, reason: str
) -> Group | None:
    """The shop's group for this chat's topic (售后 for after-sales matters, else 售前); None
    when the shop has no group for it (an admin deleted it): then any agent may take it."""
    texts = list(
        await session.scalars(
            select(Message.text)
            .where(
                Message.conversation_id == conversation.id,
                Message.sender == "visitor",
                Message.kind == "text",
            )
            .order_by(Message.seq.desc())
            .limit(RECENT_SHOPPER_TEXTS)
        )
    )
    topic = groups.handoff_topic(
        reason=reason,
        shopper_texts=texts,
        last_faq_category=await last_answer_category(session, conversation.id),
    )
    return await session.scalar(
        select(Group).where(Group.shop_id == conversation.shop_id, Group.topic == topic)
    )

"""Which conversation a shopper is on: their open one, else their latest one not merged away.

One rule, read for one shopper (a photo, a card, a connect) or for many at once (resuming
shoppers in a batch, actions/resuming_shoppers.py).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import Conversation, ConversationEvent
from chatserver.domain import states

# The closing reason of an anonymous chat merged into a customer's on login (customers.py).
MERGED_REASON = "merged"


async def was_merged(session: AsyncSession, conversation_id: int) -> bool:
    """Closed as `merged` on a login: never reopened, its messages live on elsewhere."""
    return bool(await _merged(session, [conversation_id]))


async def _merged(session: AsyncSession, conversation_ids: list[int]) -> set[int]:
    if not conversation_ids:
        return set()
    return set(
        await session.scalars(
            select(ConversationEvent.conversation_id).where(
                ConversationEvent.conversation_id.in_(conversation_ids),
                ConversationEvent.type == "closed",
                ConversationEvent.reason == MERGED_REASON,
            )
        )
    )


async def current_conversation_ids(session: AsyncSession, visitor_ids: set[int]) -> dict[int, int]:
    """Each visitor's current conversation id (none: no entry), in two statements at most."""
    if not visitor_ids:
        return {}
    rows = await session.execute(
        select(Conversation.id, Conversation.visitor_id, Conversation.status)
        .where(Conversation.visitor_id.in_(visitor_ids))
        .order_by(Conversation.id.desc())
    )
    newest_first: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for conversation_id, visitor_id, status in rows:
        newest_first[visitor_id].append((conversation_id, status))
    current: dict[int, int] = {}
    closed_only: list[int] = []
    for visitor_id, chats in newest_first.items():
        open_chat = next((cid for cid, status in chats if status != states.CLOSED), None)
        if open_chat is not None:
            current[visitor_id] = open_chat
        else:
            closed_only.extend(cid for cid, _ in chats)
    merged = await _merged(session, closed_only)
    for visitor_id, chats in newest_first.items():
        if visitor_id not in current:
            latest = next((cid for cid, _ in chats if cid not in merged), None)
            if latest is not None:
                current[visitor_id] = latest
    return current


async def current_conversation(session: AsyncSession, visitor_id: int) -> Conversation | None:
    """The visitor's open conversation, else their latest one not merged away."""
    found = (await current_conversation_ids(session, {visitor_id})).get(visitor_id)
    return None if found is None else await session.get(Conversation, found)

"""A conversation's private notes as agents read them: oldest first, so the newest is last."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.models import ConversationNote
from chatserver.views.wire import note_dict


async def notes_of(session: AsyncSession, conversation_id: int) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(ConversationNote)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(ConversationNote.id)
    )
    return [note_dict(note) for note in rows]

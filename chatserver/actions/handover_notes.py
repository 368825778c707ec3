"""A chat handed on with a note: the handover row and the same words as a private note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chatserver.db.engine import Transaction
from chatserver.db.models import ChatHandover, Conversation, ConversationNote
from chatserver.domain.events import NoteAdded
from chatserver.views.handovers import handover_dict
from chatserver.views.wire import note_dict


async def add_handover(
    tx: Transaction,
    conversation: Conversation,
    *,
    kind: str,
    author_id: int | None,
    author_name: str,
    note: str,
    note_text: str,
    now: datetime,
    to_agent_id: int | None = None,
    to_group_id: int | None = None,
    shift_id: int | None = None,
    from_agent_id: int | None = None,
) -> dict[str, Any]:
    """The handover row, and the same words as a private note in the chat's history.
    `from_agent_id`: whose chat it was (routing never gives it straight back to them), when
    not the author, e.g. a supervisor transferring an agent's chat."""
    session = tx.session
    row = ChatHandover(
        shop_id=conversation.shop_id,
        conversation_id=conversation.id,
        kind=kind,
        from_agent_id=author_id if from_agent_id is None else from_agent_id,
        from_agent_name=author_name,
        to_agent_id=to_agent_id,
        to_group_id=to_group_id,
        note=note,
        shift_id=shift_id,
        created_at=now,
    )
    private = ConversationNote(
        conversation_id=conversation.id,
        author_id=author_id,
        author_name=author_name,
        text=note_text,
        created_at=now,
    )
    session.add_all([row, private])
    await session.flush()
    tx.record(NoteAdded(conversation.id, conversation.shop_id, note=note_dict(private)))
    return await handover_dict(session, row)

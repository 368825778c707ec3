"""Read state (已读): how far each side of a conversation has read.

A read moves the side's mark on the conversation row forward, never back and never past the
last message; nothing else is stored (a read is not an audit fact, so no event row). A read
that would not move the mark costs one plain SELECT: clients may send it freely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from chatserver.actions.checks import check_owns_chat
from chatserver.actions.visitor_session import VisitorContext
from chatserver.commands.read_state import AgentRead, VisitorRead
from chatserver.db.engine import Database
from chatserver.db.models import Conversation
from chatserver.db.records import lock_row
from chatserver.domain.events import ReadUpTo
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent

Side = Literal["visitor", "agent"]


def read_mark(conversation: Conversation, side: Side) -> int:
    return conversation.visitor_read_seq if side == "visitor" else conversation.agent_read_seq


def _target(conversation: Conversation, seq: int) -> int:
    return min(seq, conversation.last_seq)


class ReadState:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_visitor_read(
        self, context: VisitorContext, command: VisitorRead, *, sid: str | None = None
    ) -> int:
        """The shopper's own conversation; returns the mark as it stands afterwards."""

        def check(conversation: Conversation | None) -> Conversation:
            if conversation is None or conversation.id != context.conversation_id:
                raise AppError("not_found", "会话不存在")
            return conversation

        return await self._advance(context.conversation_id, "visitor", command.seq, check, sid)

    async def do_agent_read(
        self, actor: AuthenticatedAgent, command: AgentRead, *, sid: str | None = None
    ) -> int:
        """Only the agent serving the chat moves the agent's mark (another shop: not_found)."""

        def check(conversation: Conversation | None) -> Conversation:
            return check_owns_chat(conversation, actor)

        return await self._advance(command.conversation_id, "agent", command.seq, check, sid)

    async def _advance(
        self,
        conversation_id: int,
        side: Side,
        seq: int,
        check: Callable[[Conversation | None], Conversation],
        sid: str | None,
    ) -> int:
        async with self.db.sessions() as session:
            conversation = check(await session.get(Conversation, conversation_id))
            if _target(conversation, seq) <= read_mark(conversation, side):
                return read_mark(conversation, side)
        async with self.db.transaction() as tx:
            conversation = check(await lock_row(tx.session, Conversation, conversation_id))
            target = _target(conversation, seq)
            if target <= read_mark(conversation, side):
                return read_mark(conversation, side)
            if side == "visitor":
                conversation.visitor_read_seq = target
            else:
                conversation.agent_read_seq = target
            tx.record(
                ReadUpTo(
                    conversation.id,
                    conversation.shop_id,
                    by=side,
                    seq=target,
                    agent_id=conversation.agent_id,
                    origin_sid=sid,
                )
            )
        return target

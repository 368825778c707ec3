"""Which chat a panel has open. Nothing is stored: the presence store keeps it for as long as
the socket lives, and work done only for the agent's eyes (suggestions) follows it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from chatserver.actions.checks import check_in_shop
from chatserver.commands.chat import FocusChat
from chatserver.db.engine import Database
from chatserver.db.models import Conversation
from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.events import ChatFocused
from chatserver.services.auth import AuthenticatedAgent


class ChatFocus:
    def __init__(
        self,
        db: Database,
        dispatcher: Dispatcher,
        record: Callable[[int, str, int | None, int | None], Awaitable[bool]],
    ) -> None:
        """`record(agent_id, sid, conversation_id, ticket)`: remember the socket's open chat,
        unless a change with a later ticket was recorded (AgentPresence.focus: False then)."""
        self.db = db
        self.dispatcher = dispatcher
        self.record = record

    async def do_focus(
        self, actor: AuthenticatedAgent, command: FocusChat, *, sid: str, ticket: int | None
    ) -> None:
        """A chat of another shop is not_found; one of the shop that is not (or no longer) the
        agent's is recorded all the same (a panel keeps an ended chat open until dismissed),
        but only the agent's own chat gets suggestions."""
        conversation_id = command.conversation_id
        if conversation_id is None:
            await self.record(actor.agent.id, sid, None, ticket)
            return
        async with self.db.sessions() as session:
            conversation = check_in_shop(await session.get(Conversation, conversation_id), actor)
        recorded = await self.record(actor.agent.id, sid, conversation_id, ticket)
        # An overtaken switch finds nothing: the panel has already moved on.
        if (
            recorded
            and conversation.status == states.ASSIGNED
            and conversation.agent_id == actor.agent.id
        ):
            self.dispatcher.publish(
                ChatFocused(conversation.id, conversation.shop_id, actor.agent.id)
            )

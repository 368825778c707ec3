"""Typing indicators: nothing is stored, but only the two people in a chat hear of it."""

from __future__ import annotations

from chatserver.actions.checks import check_owns_chat
from chatserver.actions.visitor_session import VisitorContext
from chatserver.commands.chat import AgentTyping, VisitorTyping
from chatserver.db.engine import Database
from chatserver.db.models import Conversation
from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.events import TypingChanged
from chatserver.services.auth import AuthenticatedAgent


class Typing:
    def __init__(self, db: Database, dispatcher: Dispatcher) -> None:
        self.db = db
        self.dispatcher = dispatcher

    async def _conversation(self, conversation_id: int) -> Conversation | None:
        async with self.db.sessions() as session:
            return await session.get(Conversation, conversation_id)

    async def do_visitor_typing(self, context: VisitorContext, command: VisitorTyping) -> None:
        """Told to the agent serving the chat; with nobody serving it, nobody is told."""
        conversation = await self._conversation(context.conversation_id)
        if conversation is None or conversation.status != states.ASSIGNED:
            return
        self.dispatcher.publish(
            TypingChanged(
                conversation.id,
                conversation.shop_id,
                by="visitor",
                typing=command.typing,
                agent_id=conversation.agent_id,
            )
        )

    async def do_agent_typing(self, actor: AuthenticatedAgent, command: AgentTyping) -> None:
        conversation = check_owns_chat(await self._conversation(command.conversation_id), actor)
        self.dispatcher.publish(
            TypingChanged(
                conversation.id,
                conversation.shop_id,
                by="agent",
                typing=command.typing,
                agent_id=actor.agent.id,
                agent_name=actor.agent.name,
            )
        )

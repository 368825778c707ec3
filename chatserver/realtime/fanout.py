"""The realtime fan-out: the only code that knows rooms and event names.

A listener of the dispatcher: each committed fact reaches the shopper's widget and the agents
who should see it, as the events of docs/protocol.md. With Redis configured, python-socketio's
manager carries every emit to the process holding the socket.
"""

from __future__ import annotations

from typing import Any

import socketio

from chatserver.dispatch import Dispatcher
from chatserver.domain import states
from chatserver.domain.events import (
    ChatAssigned,
    ChatClosed,
    ChatQueued,
    ChatReturned,
    MessagePosted,
    QueueChanged,
    SuggestionsFound,
    TypingChanged,
)
from chatserver.realtime import events as names
from chatserver.views.conversations import ConversationViews


class Fanout:
    def __init__(self, sio: socketio.AsyncServer, conversations: ConversationViews) -> None:
        self.sio = sio
        self.conversations = conversations

    def subscribe(self, dispatcher: Dispatcher) -> None:
        dispatcher.subscribe(MessagePosted, self.message_posted)
        dispatcher.subscribe(ChatQueued, self.chat_queued)
        dispatcher.subscribe(ChatAssigned, self.chat_assigned)
        dispatcher.subscribe(ChatReturned, self.chat_returned)
        dispatcher.subscribe(ChatClosed, self.chat_closed)
        dispatcher.subscribe(TypingChanged, self.typing_changed)
        dispatcher.subscribe(SuggestionsFound, self.suggestions_found)
        dispatcher.subscribe(QueueChanged, self.queue_changed)

    # ---- where to -----------------------------------------------------------------------

    async def to_shopper(
        self, conversation_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every widget that has this conversation open."""
        await self.sio.emit(
            event,
            data,
            room=names.conversation_room(conversation_id),
            namespace=names.VISITOR_NAMESPACE,
            skip_sid=skip_sid,
        )

    async def to_agent(
        self, agent_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every panel tab of one agent."""
        await self.sio.emit(
            event,
            data,
            room=names.agent_room(agent_id),
            namespace=names.AGENT_NAMESPACE,
            skip_sid=skip_sid,
        )

    async def to_shop_agents(self, shop_id: int, event: str, data: Any) -> None:
        await self.sio.emit(
            event, data, room=names.shop_agents_room(shop_id), namespace=names.AGENT_NAMESPACE
        )

    async def disconnect_agent_sockets(self, sids: list[str]) -> None:
        """Close these /agent sockets, on whichever process holds them (logout)."""
        for sid in sids:
            await self.sio.disconnect(sid, namespace=names.AGENT_NAMESPACE)

    # ---- what -----------------------------------------------------------------------------

    async def message_posted(self, event: MessagePosted) -> None:
        # The sending socket has the message from its ack; its other tabs still need it.
        shopper_skip = event.origin_sid if event.sender == "visitor" else None
        agent_skip = event.origin_sid if event.sender == "agent" else None
        await self.to_shopper(
            event.conversation_id, names.MESSAGE, event.message, skip_sid=shopper_skip
        )
        if event.status == states.ASSIGNED and event.agent_id is not None:
            await self.to_agent(event.agent_id, names.MESSAGE, event.message, skip_sid=agent_skip)

    async def chat_queued(self, event: ChatQueued) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)

    async def chat_assigned(self, event: ChatAssigned) -> None:
        chat = await self.conversations.detail(event.shop_id, event.conversation_id)
        await self.to_agent(event.agent_id, names.ASSIGNED, chat)
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)
        await self.to_shopper(
            event.conversation_id,
            names.ASSIGNED,
            {"agent": {"id": event.agent_id, "name": event.agent_name}},
        )

    async def chat_returned(self, event: ChatReturned) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)
        await self.to_agent(
            event.agent_id,
            names.UNASSIGNED,
            {"conversation_id": event.conversation_id, "reason": event.reason},
        )

    async def chat_closed(self, event: ChatClosed) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.farewell)
        await self.to_shopper(event.conversation_id, names.CLOSED, {"reason": event.reason})
        closed = {"conversation_id": event.conversation_id, "reason": event.reason}
        for agent_id in {event.owner_id, event.closed_by} - {None}:
            assert agent_id is not None
            await self.to_agent(agent_id, names.MESSAGE, event.farewell)
            await self.to_agent(agent_id, names.CLOSED, closed)

    async def typing_changed(self, event: TypingChanged) -> None:
        if event.by == "agent":
            await self.to_shopper(
                event.conversation_id,
                names.TYPING,
                {"typing": event.typing, "name": event.agent_name},
            )
        elif event.agent_id is not None:
            await self.to_agent(
                event.agent_id,
                names.TYPING,
                {"conversation_id": event.conversation_id, "typing": event.typing},
            )

    async def suggestions_found(self, event: SuggestionsFound) -> None:
        await self.to_agent(
            event.agent_id,
            names.SUGGESTIONS,
            {"conversation_id": event.conversation_id, "items": event.items},
        )

    async def queue_changed(self, event: QueueChanged) -> None:
        await self.to_shop_agents(event.shop_id, names.QUEUE, {"items": event.items})
        for conversation_id, position in event.positions.items():
            await self.to_shopper(conversation_id, names.QUEUE, position)

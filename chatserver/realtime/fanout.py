"""The realtime fan-out: the only code that knows rooms and event names.

A listener of the dispatcher: each committed fact reaches the shopper's widget and the agents
who should see it, as the events of docs/protocol.md. With Redis configured, python-socketio's
manager carries every emit to the process holding the socket.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

from chatserver.dispatch import Dispatcher
from chatserver.domain import events as facts
from chatserver.domain import states
from chatserver.realtime import events as names
from chatserver.views.wire import iso

# How many chats' "left the queue at message seq n" marks are kept (the race they guard
# against lasts milliseconds; a bounded map never grows with the number of chats served).
LEFT_QUEUE_MARKS = 10_000


class Fanout:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio
        self._handlers: dict[type[facts.Event], Callable[[Any], Awaitable[None]]] = {
            facts.MessagePosted: self.message_posted,
            facts.CardImageReady: self.card_image_ready,
            facts.ChatQueued: self.chat_queued,
            facts.ChatAssigned: self.chat_assigned,
            facts.ChatReturned: self.chat_returned,
            facts.ChatTransferred: self.chat_transferred,
            facts.ChatClosed: self.chat_closed,
            facts.TypingChanged: self.typing_changed,
            facts.SuggestionsFound: self.suggestions_found,
            facts.QueueChanged: self.queue_changed,
            facts.NoteAdded: self.note_added,
            facts.FlagChanged: self.flag_changed,
            facts.VisitorContextChanged: self.visitor_context_changed,
            facts.MessagesMerged: self.messages_merged,
            facts.ChatRated: self.chat_rated,
            facts.ReadUpTo: self.read_up_to,
            facts.ShopperBlocked: self.shopper_blocked,
            facts.ShopperUnblocked: self.shopper_unblocked,
            facts.ComplaintChanged: self.complaint_changed,
            facts.ComplaintEscalated: self.complaint_escalated,
            facts.SlaAlerted: self.sla_alerted,
            facts.LiveBoardChanged: self.live_board_changed,
            facts.SupervisorActed: self.supervisor_acted,
        }
        # A queue snapshot read just before a chat was taken must not reach its shopper after
        # `assigned` (the widget would show the queue again): positions older than the message
        # that took the chat out of the queue are dropped.
        self._left_queue: OrderedDict[int, int] = OrderedDict()

    def subscribe(self, dispatcher: Dispatcher) -> None:
        # One subscription for every type: a conversation's emits go out one after another in
        # commit order (`assigned` before the suggestions and messages that follow it).
        dispatcher.subscribe(list(self._handlers), self.on_event)

    def _mark_left_queue(self, conversation_id: int, seq: int) -> None:
        self._left_queue[conversation_id] = seq
        self._left_queue.move_to_end(conversation_id)
        while len(self._left_queue) > LEFT_QUEUE_MARKS:
            self._left_queue.popitem(last=False)

    async def on_event(self, event: facts.Event) -> None:
        await self._handlers[type(event)](event)

    # ---- where to -----------------------------------------------------------------------

    async def to_shopper(
        self, conversation_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every widget that has this conversation open; its lines also reach the supervisors
        silently watching it (read only, on /supervisor)."""
        await self.sio.emit(
            event,
            data,
            room=names.conversation_room(conversation_id),
            namespace=names.VISITOR_NAMESPACE,
            skip_sid=skip_sid,
        )
        if event == names.MESSAGE:
            await self.sio.emit(
                names.MESSAGE,
                data,
                room=names.watch_room(conversation_id),
                namespace=names.SUPERVISOR_NAMESPACE,
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

    async def to_shop_agents(
        self, shop_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every panel of the shop's staff (agents, supervisors, admins)."""
        await self.sio.emit(
            event,
            data,
            room=names.shop_agents_room(shop_id),
            namespace=names.AGENT_NAMESPACE,
            skip_sid=skip_sid,
        )

    async def disconnect_agent_sockets(self, sids: list[str]) -> None:
        """Close these /agent sockets, on whichever process holds them (logout)."""
        for sid in sids:
            await self.sio.disconnect(sid, namespace=names.AGENT_NAMESPACE)

    async def disconnect_supervisor_sockets(self, sids: list[str]) -> None:
        """Close these /supervisor sockets (live views), wherever they are (logout)."""
        for sid in sids:
            await self.sio.disconnect(sid, namespace=names.SUPERVISOR_NAMESPACE)

    # ---- what -----------------------------------------------------------------------------

    async def message_posted(self, event: facts.MessagePosted) -> None:
        # The sending socket has the message from its ack; its other tabs still need it.
        shopper_skip = event.origin_sid if event.sender == "visitor" else None
        agent_skip = event.origin_sid if event.sender == "agent" else None
        await self.to_shopper(
            event.conversation_id, names.MESSAGE, event.message, skip_sid=shopper_skip
        )
        if event.status == states.ASSIGNED and event.agent_id is not None:
            await self.to_agent(event.agent_id, names.MESSAGE, event.message, skip_sid=agent_skip)

    async def card_image_ready(self, event: facts.CardImageReady) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE_UPDATED, event.message)
        if event.agent_id is not None:
            await self.to_agent(event.agent_id, names.MESSAGE_UPDATED, event.message)

    async def chat_queued(self, event: facts.ChatQueued) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)

    async def chat_assigned(self, event: facts.ChatAssigned) -> None:
        self._mark_left_queue(event.conversation_id, int(event.notice["seq"]))
        await self.to_agent(event.agent_id, names.ASSIGNED, event.chat)
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)
        await self.to_shopper(
            event.conversation_id,
            names.ASSIGNED,
            {"agent": {"id": event.agent_id, "name": event.agent_name}},
        )

    async def chat_returned(self, event: facts.ChatReturned) -> None:
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)
        await self.to_agent(
            event.agent_id,
            names.UNASSIGNED,
            {"conversation_id": event.conversation_id, "reason": event.reason},
        )

    async def chat_transferred(self, event: facts.ChatTransferred) -> None:
        # The shopper reads the polite line at once; the receiver's `assigned` follows (to an
        # agent) or the queue shows the chat (to a group).
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.notice)
        if event.from_agent_id is not None:
            await self.to_agent(
                event.from_agent_id,
                names.UNASSIGNED,
                {"conversation_id": event.conversation_id, "reason": "transferred"},
            )

    async def chat_closed(self, event: facts.ChatClosed) -> None:
        self._mark_left_queue(event.conversation_id, int(event.farewell["seq"]))
        await self.to_shopper(event.conversation_id, names.MESSAGE, event.farewell)
        await self.to_shopper(
            event.conversation_id,
            names.CLOSED,
            {"reason": event.reason, "rating": event.rating or {"requested": False}},
        )
        closed = {"conversation_id": event.conversation_id, "reason": event.reason}
        for agent_id in {event.owner_id, event.closed_by} - {None}:
            assert agent_id is not None
            await self.to_agent(agent_id, names.MESSAGE, event.farewell)
            await self.to_agent(agent_id, names.CLOSED, closed)

    async def typing_changed(self, event: facts.TypingChanged) -> None:
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

    async def suggestions_found(self, event: facts.SuggestionsFound) -> None:
        await self.to_agent(
            event.agent_id,
            names.SUGGESTIONS,
            {"conversation_id": event.conversation_id, "items": event.items},
        )

    async def queue_changed(self, event: facts.QueueChanged) -> None:
        await self.to_shop_agents(event.shop_id, names.QUEUE, {"items": event.items})
        for conversation_id, position in event.positions.items():
            if event.as_of_seq.get(conversation_id, 0) < self._left_queue.get(conversation_id, 0):
                continue
            await self.to_shopper(conversation_id, names.QUEUE, position)

    # Staff only: notes and flags go to the shop's agents, never to the conversation's room.

    async def note_added(self, event: facts.NoteAdded) -> None:
        await self.to_shop_agents(event.shop_id, names.NOTE, event.note, skip_sid=event.origin_sid)

    async def messages_merged(self, event: facts.MessagesMerged) -> None:
        for message in event.messages:
            await self.to_shopper(event.conversation_id, names.MESSAGE, message)
            if event.status == states.ASSIGNED and event.agent_id is not None:
                await self.to_agent(event.agent_id, names.MESSAGE, message)

    async def visitor_context_changed(self, event: facts.VisitorContextChanged) -> None:
        """To the agent serving the chat; while it waits, to the shop's panels (the queue)."""
        data = {
            "conversation_id": event.conversation_id,
            "visitor_id": event.visitor_id,
            "context": event.context,
        }
        if event.agent_id is not None:
            await self.to_agent(event.agent_id, names.VISITOR_CONTEXT, data)
        else:
            await self.to_shop_agents(event.shop_id, names.VISITOR_CONTEXT, data)

    async def flag_changed(self, event: facts.FlagChanged) -> None:
        await self.to_shop_agents(
            event.shop_id,
            names.FLAG,
            {
                "conversation_id": event.conversation_id,
                "flag": event.flag,
                "by": event.by,
                "flag_changed_at": iso(event.changed_at),
            },
            skip_sid=event.origin_sid,
        )

    async def chat_rated(self, event: facts.ChatRated) -> None:
        rated = {
            "conversation_id": event.conversation_id,
            "score": event.rating["score"],
            "comment": event.rating["comment"],
            "rating": event.rating,
        }
        # The shopper's other tabs close their rating card; the agent who served hears of it.
        await self.to_shopper(event.conversation_id, names.RATED, rated, skip_sid=event.origin_sid)
        if event.agent_id is not None:
            await self.to_agent(event.agent_id, names.RATED, rated)

    async def read_up_to(self, event: facts.ReadUpTo) -> None:
        # Only the other side needs to hear it (已读 under their own messages).
        read = {"conversation_id": event.conversation_id, "seq": event.seq, "by": event.by}
        if event.by == "agent":
            await self.to_shopper(event.conversation_id, names.READ, read)
        elif event.agent_id is not None:
            await self.to_agent(event.agent_id, names.READ, read)

    # The block list: every panel of the shop's staff, never the shopper (who only ever reads
    # the bot's fixed reply). The blocker's own socket has the block from its ack.

    async def shopper_blocked(self, event: facts.ShopperBlocked) -> None:
        await self.to_shop_agents(
            event.shop_id, names.BLOCKED, event.block, skip_sid=event.origin_sid
        )

    async def shopper_unblocked(self, event: facts.ShopperUnblocked) -> None:
        await self.to_shop_agents(
            event.shop_id,
            names.UNBLOCKED,
            {
                "id": event.block_id,
                "conversation_id": event.conversation_id,
                "visitor_id": event.visitor_id,
                "by": event.by,
            },
        )

    # Complaints: the record to every panel of the shop's staff; the escalation alert to its
    # supervisors and admins. Never to the conversation's room.

    async def complaint_changed(self, event: facts.ComplaintChanged) -> None:
        await self.to_shop_agents(
            event.shop_id, names.COMPLAINT, event.complaint, skip_sid=event.origin_sid
        )

    async def complaint_escalated(self, event: facts.ComplaintEscalated) -> None:
        await self.sio.emit(
            names.COMPLAINT_ESCALATED,
            {
                "complaint": event.complaint,
                "from_level": event.from_level,
                "level": event.complaint["level"],
                "level_name": event.complaint["level_name"],
                "by": event.by,
                "reason": event.reason,
            },
            room=names.shop_supervisors_room(event.shop_id),
            namespace=names.AGENT_NAMESPACE,
            skip_sid=event.origin_sid,
        )

    async def sla_alerted(self, event: facts.SlaAlerted) -> None:
        name = names.SLA_WARNING if event.alert == "sla_warning" else names.SLA_BREACH
        for agent_id in event.recipients:
            await self.to_agent(agent_id, name, event.payload)

    # The live view: to the shop's supervisors on /supervisor.

    async def to_supervisors(self, shop_id: int, event: str, data: Any) -> None:
        await self.sio.emit(
            event,
            data,
            room=names.shop_supervisors_room(shop_id),
            namespace=names.SUPERVISOR_NAMESPACE,
        )

    async def live_board_changed(self, event: facts.LiveBoardChanged) -> None:
        await self.to_supervisors(event.shop_id, names.LIVE, event.board)

    async def supervisor_acted(self, event: facts.SupervisorActed) -> None:
        await self.to_supervisors(event.shop_id, names.AUDIT, event.audit)

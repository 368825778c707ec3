"""Namespace /agent: the agent panel. Thin: authenticate, parse the payload, call the action, ack.

Every event re-checks the session token, so a logout takes effect at once on open sockets.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import socketio

from chatserver.actions.agents import AgentAvailability
from chatserver.actions.assignment import Assignment
from chatserver.actions.blocks import Blocks
from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.actions.closing import Closing
from chatserver.actions.complaints import Complaints
from chatserver.actions.focus import ChatFocus
from chatserver.actions.messages import ChatMessages
from chatserver.actions.notes import Notes
from chatserver.actions.politeness import Politeness
from chatserver.actions.read_state import ReadState
from chatserver.actions.shifts import Shifts
from chatserver.actions.transfers import Transfers
from chatserver.actions.typing import Typing
from chatserver.commands.base import parse
from chatserver.commands.blocks import BlockShopper
from chatserver.commands.chat import (
    AgentMessage,
    AgentTyping,
    ConversationRef,
    FocusChat,
    SetStatus,
    parse_focus,
)
from chatserver.commands.complaints import (
    EndComplaint,
    EscalateComplaint,
    OpenComplaint,
    UpdateComplaint,
)
from chatserver.commands.notes import AddNote, SetFlag
from chatserver.commands.politeness import DraftCheck
from chatserver.commands.read_state import AgentRead
from chatserver.commands.transfers import EndShift, TransferChat
from chatserver.domain.ratelimit import TokenBucket, agent_messages, chat_switches, draft_checks
from chatserver.errors import AppError
from chatserver.listeners.suggestions import Suggestions
from chatserver.realtime import events
from chatserver.realtime.acks import acked, refused_connection
from chatserver.realtime.connection import after_connect
from chatserver.services.auth import AuthenticatedAgent, AuthService
from chatserver.services.presence import AgentPresence
from chatserver.services.presence_store import EVERY_CHAT
from chatserver.views.conversations import ConversationViews
from chatserver.views.queue import QueueViews

log = logging.getLogger(__name__)


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


@dataclass(frozen=True)
class AgentDesk:
    """What the agent namespace uses, built once in chatserver/wiring.py."""

    auth: AuthService
    presence: AgentPresence
    availability: AgentAvailability
    assignment: Assignment
    messages: ChatMessages
    closing: Closing
    typing: Typing
    conversations: ConversationViews
    queue: QueueViews
    suggestions: Suggestions
    notes: Notes
    politeness: Politeness
    read_state: ReadState
    blocks: Blocks
    complaints: Complaints
    transfers: Transfers
    shifts: Shifts
    focus: ChatFocus


# python-socketio ships no type information, so its classes are Any to mypy.
class AgentNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, desk: AgentDesk) -> None:
        super().__init__(events.AGENT_NAMESPACE)
        self.desk = desk
        self._buckets: dict[str, TokenBucket] = {}
        self._check_buckets: dict[str, TokenBucket] = {}
        self._focus_buckets: dict[str, TokenBucket] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        # The chat the panel has open, said in the handshake so a reconnect needs no `focus`
        # event and the catch-up finds suggestions for that chat only. Absent: every chat.
        says_focus = isinstance(auth, dict) and "focus" in auth
        try:
            actor = await self.desk.auth.authenticate(token)
            focus = parse_focus(auth["focus"]) if says_focus else None
        except AppError as error:
            raise refused_connection(error) from None
        await self.save_session(
            sid, {"token": token, "agent_id": actor.agent.id, "session_id": actor.session_id}
        )
        await self.enter_room(sid, events.agent_room(actor.agent.id))
        await self.enter_room(sid, events.shop_agents_room(actor.shop.id))
        if actor.agent.role in SUPERVISING_ROLES:
            await self.enter_room(sid, events.shop_supervisors_room(actor.shop.id))

        async def catch_up() -> None:
            await self.desk.presence.connected(actor, sid)
            chats = await self.desk.conversations.open_chats(actor.agent.id)
            for chat in chats:
                await self.emit(events.ASSIGNED, chat, to=sid)
            line = await self.desk.queue.snapshot(actor.shop.id)
            await self.emit(events.QUEUE, {"items": line.items}, to=sid)
            for chat in chats:
                if says_focus and chat["conversation"]["id"] != focus:
                    continue
                last = next(
                    (
                        m
                        for m in reversed(chat["messages"])
                        if m["sender"] == "visitor" and m["kind"] == "text"
                    ),
                    None,
                )
                if last is None:
                    continue
                try:
                    await self.desk.suggestions.suggest(
                        actor.shop.id, actor.agent.id, chat["conversation"]["id"], last["text"]
                    )
                except Exception:
                    # Help for the agent, not their chats: the catch-up goes on without it.
                    log.exception("suggestions for chat %s failed", chat["conversation"]["id"])

        # Before any event of the socket can arrive: its `focus` events are numbered after this.
        self.desk.presence.open_focus(sid, focus if says_focus else EVERY_CHAT)
        self._focus_buckets[sid] = chat_switches()
        after_connect(self.server, sid, self.namespace, catch_up)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._buckets.pop(sid, None)
        self._check_buckets.pop(sid, None)
        self._focus_buckets.pop(sid, None)
        session = await self.get_session(sid)
        agent_id, session_id = session.get("agent_id"), session.get("session_id")
        if isinstance(agent_id, int) and isinstance(session_id, int):
            await self.desk.presence.disconnected(agent_id, session_id, sid)

    async def _actor(self, sid: str) -> AuthenticatedAgent:
        session = await self.get_session(sid)
        try:
            return await self.desk.auth.authenticate(session.get("token"))
        except AppError:
            await self.disconnect(sid)
            raise

    def _take_token(self, sid: str) -> None:
        bucket = self._buckets.get(sid) or self._buckets.setdefault(sid, agent_messages())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "发送太快了，请稍后再试")

    @acked
    async def on_status(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(SetStatus, _first(args))
        return {"status": await self.desk.availability.do_set_status(actor, command)}

    @acked
    async def on_accept(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(ConversationRef, _first(args))
        await self.desk.assignment.do_accept(actor, command)
        return await self.desk.conversations.detail(actor.shop.id, command.conversation_id)

    @acked
    async def on_message(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(AgentMessage, _first(args))
        message = await self.desk.messages.do_post_agent_message(
            actor, command, sid=sid, admit=lambda: self._take_token(sid)
        )
        return {"message": message}

    @acked
    async def on_close(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        await self.desk.closing.do_close(actor, parse(ConversationRef, _first(args)))
        return {}

    @acked
    async def on_focus(self, sid: str, *args: Any) -> dict[str, Any]:
        # Numbered before the first await, so the newest switch is the one that stays.
        ticket = self.desk.presence.focus_ticket(sid)
        # Made at connect; a socket already gone gets a bucket of its own, not kept.
        bucket = self._focus_buckets.get(sid) or chat_switches()
        actor = await self._actor(sid)
        command = parse(FocusChat, _first(args))
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "切换会话太频繁了，请稍后再试")
        await self.desk.focus.do_focus(actor, command, sid=sid, ticket=ticket)
        return {"conversation_id": command.conversation_id}

    @acked
    async def on_typing(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        await self.desk.typing.do_agent_typing(actor, parse(AgentTyping, _first(args)))
        return {}

    # Private notes and flags: staff only (the fan-out tells the shop's agents, never the shopper).

    @acked
    async def on_note(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(AddNote, _first(args))
        self._take_token(sid)
        return {"note": await self.desk.notes.do_add_note(actor, command, sid=sid)}

    @acked
    async def on_flag(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(SetFlag, _first(args))
        self._take_token(sid)
        return await self.desk.notes.do_set_flag(actor, command, sid=sid)

    @acked
    async def on_check_draft(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        bucket = self._check_buckets.get(sid) or self._check_buckets.setdefault(sid, draft_checks())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "检查太频繁了，请稍后再试")
        return await self.desk.politeness.check_draft(actor, parse(DraftCheck, _first(args)))

    @acked
    async def on_read(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(AgentRead, _first(args))
        seq = await self.desk.read_state.do_agent_read(actor, command, sid=sid)
        return {"conversation_id": command.conversation_id, "seq": seq}

    @acked
    async def on_block(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(BlockShopper, _first(args))
        self._take_token(sid)
        return await self.desk.blocks.do_block(actor, command, sid=sid)

    # Complaints (投诉): staff only; the fan-out tells the shop's staff, never the shopper.

    @acked
    async def on_complaint(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(OpenComplaint, _first(args))
        self._take_token(sid)
        return {"complaint": await self.desk.complaints.do_open(actor, command, sid=sid)}

    @acked
    async def on_complaint_update(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(UpdateComplaint, _first(args))
        self._take_token(sid)
        return {"complaint": await self.desk.complaints.do_update(actor, command, sid=sid)}

    @acked
    async def on_complaint_escalate(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(EscalateComplaint, _first(args))
        self._take_token(sid)
        return {"complaint": await self.desk.complaints.do_escalate(actor, command, sid=sid)}

    @acked
    async def on_complaint_resolve(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(EndComplaint, _first(args))
        self._take_token(sid)
        return {"complaint": await self.desk.complaints.do_end(actor, command, sid=sid)}

    @acked
    async def on_transfer(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(TransferChat, _first(args))
        self._take_token(sid)
        return await self.desk.transfers.do_transfer(actor, command)

    @acked
    async def on_end_shift(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(EndShift, _first(args))
        return await self.desk.shifts.do_end_shift(actor, command)

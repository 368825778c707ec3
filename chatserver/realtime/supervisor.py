"""Namespace /supervisor: the admin console's live view. Supervisors and admins only; an agent
is refused at connect, and every event checks the token and the role again (a demotion or a
logout takes effect at once). Thin: authenticate, parse, call the action, ack.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import socketio

from chatserver.actions.checks import check_supervising
from chatserver.actions.supervision import Supervision
from chatserver.actions.supervision_audit import Auditor
from chatserver.commands.base import parse
from chatserver.commands.chat import ConversationRef
from chatserver.commands.supervision import Reassign
from chatserver.errors import AppError
from chatserver.realtime import events
from chatserver.realtime.acks import acked, refused_connection
from chatserver.realtime.connection import after_connect
from chatserver.services.auth import AuthenticatedAgent, AuthService
from chatserver.services.presence import AgentPresence
from chatserver.views.conversations import ConversationViews
from chatserver.views.supervision import SupervisionViews

log = logging.getLogger(__name__)


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


@dataclass(frozen=True)
class SupervisorDesk:
    auth: AuthService
    presence: AgentPresence
    supervision: Supervision
    views: SupervisionViews
    conversations: ConversationViews


# python-socketio ships no type information, so its classes are Any to mypy.
class SupervisorNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, desk: SupervisorDesk) -> None:
        super().__init__(events.SUPERVISOR_NAMESPACE)
        self.desk = desk
        # Per socket, on this process: the chats it watches, each with its `watch` record.
        # Handlers run concurrently, so each socket's list changes under its own lock.
        self._watching: dict[str, dict[int, dict[str, Any]]] = {}
        self._watch_locks: dict[str, asyncio.Lock] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            actor = await self.desk.auth.authenticate(token)
            check_supervising(actor)
        except AppError as error:
            raise refused_connection(error) from None
        await self.save_session(
            sid,
            {
                "token": token,
                "agent_id": actor.agent.id,
                "session_id": actor.session_id,
                "auditor": Auditor.of(actor),
            },
        )
        self._watching[sid] = {}
        self._watch_locks[sid] = asyncio.Lock()
        await self.desk.presence.view_connected(actor, sid)
        await self.enter_room(sid, events.shop_supervisors_room(actor.shop.id))

        async def first_board() -> None:
            await self.emit(events.LIVE, await self.desk.views.board(actor.shop.id), to=sid)

        after_connect(self.server, sid, self.namespace, first_board)

    async def _actor(self, sid: str) -> AuthenticatedAgent:
        session = await self.get_session(sid)
        try:
            actor = await self.desk.auth.authenticate(session.get("token"))
            check_supervising(actor)
        except AppError:
            await self.disconnect(sid)
            raise
        return actor

    @acked
    async def on_reassign(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        return await self.desk.supervision.do_reassign(actor, parse(Reassign, _first(args)))

    @acked
    async def on_take_over(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        command = parse(ConversationRef, _first(args))
        return await self.desk.supervision.do_take_over(actor, command)

    def _watch_lock(self, sid: str) -> asyncio.Lock:
        # A closed socket's late event gets a lock of its own, then `_watching_of` refuses it.
        return self._watch_locks.get(sid) or asyncio.Lock()

    @acked
    async def on_watch(self, sid: str, *args: Any) -> dict[str, Any]:
        """Join silently: the chat's history now, its new lines as `message` events after. A
        repeated `watch` on this socket is answered with the record of the first."""
        actor = await self._actor(sid)
        command = parse(ConversationRef, _first(args))
        conversation_id = command.conversation_id
        async with self._watch_lock(sid):
            watching = self._watching_of(sid)
            audit = watching.get(conversation_id)
            if audit is None:
                audit = await self.desk.supervision.do_watch(actor, command, joining=True)
                watching[conversation_id] = audit
            # In the room before the history is read: a line posted in between arrives twice
            # at worst (the page merges by id), never not at all.
            await self.enter_room(sid, events.watch_room(conversation_id))
        chat = await self.desk.conversations.detail(actor.shop.id, conversation_id)
        return {"chat": chat, "audit": audit}

    @acked
    async def on_unwatch(self, sid: str, *args: Any) -> dict[str, Any]:
        """Audited only when this socket watched the chat: another tab may still listen."""
        actor = await self._actor(sid)
        command = parse(ConversationRef, _first(args))
        async with self._watch_lock(sid):
            await self.leave_room(sid, events.watch_room(command.conversation_id))
            if self._watching_of(sid).pop(command.conversation_id, None) is None:
                await self.desk.supervision.check_watchable(actor, command)
                return {"audit": None}
            audit = await self.desk.supervision.do_watch(actor, command, joining=False)
        return {"audit": audit}

    def _watching_of(self, sid: str) -> dict[int, dict[str, Any]]:
        watching = self._watching.get(sid)
        if watching is None:  # an event still in flight after its socket closed
            raise AppError("forbidden", "实时监控连接已关闭，请刷新页面")
        return watching

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        """A closed page ends its watches: each gets its `unwatch` audit record, so the trail
        never shows a supervisor still listening who left long ago. Written from who opened
        the socket, since after a logout or a demotion the login no longer passes the checks."""
        session = await self.get_session(sid)
        agent_id, session_id = session.get("agent_id"), session.get("session_id")
        if isinstance(agent_id, int) and isinstance(session_id, int):
            await self.desk.presence.view_disconnected(agent_id, session_id, sid)
        async with self._watch_lock(sid):
            watching = self._watching.pop(sid, None) or {}
        self._watch_locks.pop(sid, None)
        auditor = session.get("auditor")
        if not watching or not isinstance(auditor, Auditor):
            return
        why = await self._why_closed(session.get("token"))
        for conversation_id in sorted(watching):
            try:
                await self.desk.supervision.end_watch(auditor, conversation_id, why)
            except AppError:
                log.warning("no unwatch audit for chat %s on disconnect", conversation_id)

    async def _why_closed(self, token: object) -> str:
        try:
            actor = await self.desk.auth.authenticate(token)
        except AppError:
            return "logged_out"  # logged out, expired or the account disabled
        try:
            check_supervising(actor)
        except AppError:
            return "role_changed"
        return "disconnected"

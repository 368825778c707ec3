"""Namespace /visitor: the shopper's widget."""

from __future__ import annotations

import time
from typing import Any

import socketio

from chatserver.db.models import Conversation
from chatserver.domain import states
from chatserver.domain.ratelimit import TokenBucket, shopper_messages
from chatserver.errors import AppError, invalid
from chatserver.realtime import events
from chatserver.realtime.acks import acked
from chatserver.realtime.connection import after_connect
from chatserver.services.conversations import VisitorContext
from chatserver.services.hub import Hub


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


class VisitorNamespace(socketio.AsyncNamespace):
    def __init__(self, hub: Hub) -> None:
        super().__init__(events.VISITOR_NAMESPACE)
        self.hub = hub
        self._buckets: dict[str, TokenBucket] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        try:
            token, context = await self.hub.conversations.open_visitor_session(
                auth.get("shop"), auth.get("token")
            )
        except AppError as error:
            raise socketio.exceptions.ConnectionRefusedError(error.to_body()) from None
        await self.save_session(sid, {"context": context})
        # Join before reading the history: whatever is sent from now on reaches this socket,
        # and anything earlier is in the snapshot (clients de-duplicate by message id).
        await self.enter_room(sid, events.conversation_room(context.conversation_id))

        async def send_session() -> None:
            payload = await self.hub.conversations.session_snapshot(context, token)
            await self.emit(events.SESSION, payload, to=sid)

        after_connect(self.server, sid, self.namespace, send_session)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._buckets.pop(sid, None)

    async def _context(self, sid: str) -> VisitorContext:
        session = await self.get_session(sid)
        context = session.get("context")
        if not isinstance(context, VisitorContext):
            raise AppError("forbidden", "会话尚未建立，请重新连接")
        return context

    def _take_token(self, sid: str) -> None:
        bucket = self._buckets.get(sid) or self._buckets.setdefault(sid, shopper_messages())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "您发送得太快了，请稍后再试")

    @acked
    async def on_message(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        return await self.hub.conversations.post_visitor_message(
            context, _first(args), sid, admit=lambda: self._take_token(sid)
        )

    @acked
    async def on_handoff(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        payload = _first(args)
        if payload is not None and not isinstance(payload, dict):
            raise invalid("请求格式不正确")
        return await self.hub.conversations.request_handoff(context)

    @acked
    async def on_typing(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        payload = _first(args)
        if not isinstance(payload, dict) or not isinstance(payload.get("typing"), bool):
            raise invalid("typing 必须是 true 或 false")
        async with self.hub.db.sessions() as session:
            conversation = await session.get(Conversation, context.conversation_id)
        if (
            conversation is not None
            and conversation.status == states.ASSIGNED
            and conversation.agent_id is not None
        ):
            await self.hub.notifier.to_agent(
                conversation.agent_id,
                events.TYPING,
                {"conversation_id": conversation.id, "typing": payload["typing"]},
            )
        return {}

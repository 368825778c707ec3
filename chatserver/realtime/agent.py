"""Namespace /agent: the agent panel. Every event re-checks the session token (logout is instant)."""

from __future__ import annotations

import time
from typing import Any

import socketio

from chatserver.db.models import Conversation
from chatserver.domain import states
from chatserver.domain.ratelimit import TokenBucket, agent_messages
from chatserver.errors import AppError, invalid
from chatserver.realtime import events
from chatserver.realtime.acks import acked
from chatserver.realtime.connection import after_connect
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.conversations import parse_conversation_id
from chatserver.services.hub import Hub


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


class AgentNamespace(socketio.AsyncNamespace):
    def __init__(self, hub: Hub) -> None:
        super().__init__(events.AGENT_NAMESPACE)
        self.hub = hub
        self._buckets: dict[str, TokenBucket] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            actor = await self.hub.auth.authenticate(token)
        except AppError as error:
            raise socketio.exceptions.ConnectionRefusedError(error.to_body()) from None
        await self.save_session(
            sid, {"token": token, "agent_id": actor.agent.id, "session_id": actor.session_id}
        )
        await self.enter_room(sid, events.agent_room(actor.agent.id))
        await self.enter_room(sid, events.shop_agents_room(actor.shop.id))

        async def catch_up() -> None:
            chats = await self.hub.presence.connected(actor, sid)
            for chat in chats:
                await self.emit(events.ASSIGNED, chat, to=sid)
            items, _positions = await self.hub.queue.snapshot(actor.shop.id)
            await self.emit(events.QUEUE, {"items": items}, to=sid)
            for chat in chats:
                last = next(
                    (m for m in reversed(chat["messages"]) if m["sender"] == "visitor"), None
                )
                if last is not None:
                    await self.hub.queue.send_suggestions(
                        actor.shop.id, actor.agent.id, chat["conversation"]["id"], last["text"]
                    )
            await self.hub.queue.dispatch(actor.shop.id)

        after_connect(self.server, sid, self.namespace, catch_up)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._buckets.pop(sid, None)
        session = await self.get_session(sid)
        agent_id, session_id = session.get("agent_id"), session.get("session_id")
        if isinstance(agent_id, int) and isinstance(session_id, int):
            await self.hub.presence.disconnected(agent_id, session_id, sid)

    async def _actor(self, sid: str) -> AuthenticatedAgent:
        session = await self.get_session(sid)
        try:
            return await self.hub.auth.authenticate(session.get("token"))
        except AppError:
            await self.disconnect(sid)
            raise

    @acked
    async def on_status(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        return {"status": await self.hub.presence.set_status(actor, _first(args))}

    @acked
    async def on_accept(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        return await self.hub.queue.accept(actor, _first(args))

    @acked
    async def on_message(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        bucket = self._buckets.get(sid) or self._buckets.setdefault(sid, agent_messages())

        def admit() -> None:
            if not bucket.take(time.monotonic()):
                raise AppError("rate_limited", "发送太快了，请稍后再试")

        message = await self.hub.conversations.post_agent_message(
            actor, _first(args), sid, admit=admit
        )
        return {"message": message}

    @acked
    async def on_close(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        await self.hub.conversations.close(actor, _first(args))
        return {}

    @acked
    async def on_typing(self, sid: str, *args: Any) -> dict[str, Any]:
        actor = await self._actor(sid)
        payload = _first(args)
        if not isinstance(payload, dict) or not isinstance(payload.get("typing"), bool):
            raise invalid("typing 必须是 true 或 false")
        conversation_id = parse_conversation_id(payload.get("conversation_id"))
        async with self.hub.db.sessions() as session:
            conversation = await session.get(Conversation, conversation_id)
        if conversation is None or conversation.shop_id != actor.shop.id:
            raise AppError("not_found", "会话不存在")
        if conversation.status != states.ASSIGNED or conversation.agent_id != actor.agent.id:
            raise AppError("forbidden", "这不是您正在接待的会话")
        await self.hub.notifier.to_conversation(
            conversation_id, events.TYPING, {"typing": payload["typing"], "name": actor.agent.name}
        )
        return {}

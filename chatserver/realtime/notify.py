"""The Notifier of services/notifier.py on top of Socket.IO rooms (Redis fans out when set)."""

from __future__ import annotations

from typing import Any

import socketio

from chatserver.realtime.events import (
    AGENT_NAMESPACE,
    VISITOR_NAMESPACE,
    agent_room,
    agent_session_room,
    conversation_room,
    shop_agents_room,
)


class SocketNotifier:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.sio = sio

    async def to_conversation(
        self, conversation_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        await self.sio.emit(
            event,
            data,
            room=conversation_room(conversation_id),
            namespace=VISITOR_NAMESPACE,
            skip_sid=skip_sid,
        )

    async def to_agent(
        self, agent_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        await self.sio.emit(
            event, data, room=agent_room(agent_id), namespace=AGENT_NAMESPACE, skip_sid=skip_sid
        )

    async def to_shop_agents(self, shop_id: int, event: str, data: Any) -> None:
        await self.sio.emit(event, data, room=shop_agents_room(shop_id), namespace=AGENT_NAMESPACE)

    async def disconnect_agent_session(self, session_id: int) -> None:
        # Other processes refuse the revoked token on the socket's next event.
        room = agent_session_room(session_id)
        members = list(self.sio.manager.get_participants(AGENT_NAMESPACE, room))
        for sid, _eio_sid in members:
            await self.sio.disconnect(sid, namespace=AGENT_NAMESPACE)

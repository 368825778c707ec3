"""The Notifier of services/notifier.py on top of Socket.IO rooms (Redis fans out when set)."""

from __future__ import annotations

from typing import Any

import socketio

from chatserver.realtime.events import (
    AGENT_NAMESPACE,
    VISITOR_NAMESPACE,
    agent_room,
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

    async def disconnect_agent_sockets(self, sids: list[str]) -> None:
        # With Redis the manager forwards a disconnect for a remote sid to its process.
        for sid in sids:
            await self.sio.disconnect(sid, namespace=AGENT_NAMESPACE)

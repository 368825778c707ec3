"""The Socket.IO server with the contract's rules for client events applied before dispatch.

python-socketio hands any client event to `on_<name>` of the namespace, so a client could send
an event named `connect` or `disconnect` and re-run the connection handlers (swap the socket's
conversation, send an agent offline, reset a rate limit), and an unknown event got an empty
ack. Here only the events a namespace declares are dispatched; anything else is answered with
the contract's `invalid_payload` and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

import socketio
from socketio import packet

from chatserver.errors import AppError
from chatserver.realtime.acks import error_ack

log = logging.getLogger(__name__)

# Names python-socketio itself uses for the connection's life: never a client's to send.
RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error"})


# python-socketio ships no type information, so its classes are Any to mypy.
class ContractServer(socketio.AsyncServer):  # type: ignore[misc]
    def _accepts(self, namespace: str, event: Any) -> bool:
        if not isinstance(event, str) or event in RESERVED_EVENTS:
            return False
        handler = self.namespace_handlers.get(namespace)
        return handler is not None and callable(getattr(handler, f"on_{event}", None))

    async def _handle_event(self, eio_sid: str, namespace: str, id: Any, data: Any) -> None:
        namespace = namespace or "/"
        event = data[0] if isinstance(data, list) and data else None
        if self._accepts(namespace, event):
            await super()._handle_event(eio_sid, namespace, id, data)
            return
        if id is None:
            return
        name = event if isinstance(event, str) else "?"
        refusal = error_ack(AppError("invalid_payload", f"不支持的事件：{name[:64]}"))
        await self._send_packet(
            eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=id, data=[refusal])
        )

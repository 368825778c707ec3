"""The Socket.IO server with the contract's rules for client events applied before dispatch.

python-socketio hands any client event to `on_<name>` of the namespace, so a client could send
an event named `connect` or `disconnect` and re-run the connection handlers (swap the socket's
conversation, send an agent offline, reset a rate limit), and an unknown event got an empty
ack. Here only the events a namespace declares are dispatched; anything else is answered with
the contract's `invalid_payload` and changes nothing.

Likewise a frame whose JSON the library cannot read (a number of more than 100 digits, nesting
deeper than the parser goes, broken JSON) was dropped with a logged traceback and no answer at
all: the client's call timed out, a handshake hung. Such an event is answered `invalid_payload`,
and such a handshake is taken as one without `auth`.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import socketio
from engineio import json as engineio_json
from socketio import packet

from chatserver.errors import AppError
from chatserver.realtime.acks import error_ack

log = logging.getLogger(__name__)

# Names python-socketio itself uses for the connection's life: never a client's to send.
RESERVED_EVENTS = frozenset({"connect", "disconnect", "connect_error"})


# Dates and dataclasses are handed to the standard library, which refuses them as before: a
# view must say how its times are written (views/wire.py), whatever the transport.
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


class WireJson:
    """What packets are written with: orjson instead of the standard library's encoder (a few per
    cent of a loaded server's CPU, docs/benchmarks.md) for every message, ack and suggestion
    list, with Chinese as UTF-8 instead of six-byte escapes.
    Whatever orjson refuses (an integer beyond 64 bits, a lone surrogate) is written by the
    standard library as before; reading stays the library's parser with its cap on long
    integers. python-socketio's Redis manager writes its messages between processes with the
    packet's json too, so they go through here as well (both sides read either form)."""

    @staticmethod
    def dumps(data: Any, **kwargs: Any) -> str:
        try:
            return orjson.dumps(data, option=_ORJSON_OPTIONS).decode()
        except TypeError:  # orjson.JSONEncodeError
            return str(engineio_json.dumps(data, **kwargs))

    loads = staticmethod(engineio_json.loads)


# python-socketio ships no type information, so its classes are Any to mypy.
class ContractPacket(packet.Packet):  # type: ignore[misc]
    """A client's event or handshake whose data cannot be decoded keeps its type, namespace and
    id, with no data, instead of failing the whole frame."""

    json = WireJson

    def decode(self, encoded_packet: Any) -> int:
        try:
            return int(super().decode(encoded_packet) or 0)
        except (ValueError, RecursionError):
            if self.packet_type not in (packet.EVENT, packet.CONNECT):
                raise
            self.data = None
            return 0

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        # The library's check recurses with a list and a reduce per level for every packet
        # sent (a message, the agent's suggestions); the same walk, stopping at the first bytes.
        # Each list or dict is looked into once: a payload that contains itself ends the walk
        # (and then fails to encode) instead of looping.
        pending = [data]
        seen: set[int] = set()
        while pending:
            item = pending.pop()
            if isinstance(item, bytes | bytearray):
                return True
            if isinstance(item, list | dict) and id(item) not in seen:
                seen.add(id(item))
                pending.extend(item.values() if isinstance(item, dict) else item)
        return False


class ContractServer(socketio.AsyncServer):  # type: ignore[misc]
    def __init__(self, **options: Any) -> None:
        super().__init__(serializer=ContractPacket, **options)

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
        if data is None:
            # Only a malformed frame has no data: a readable event is always a list.
            refusal = error_ack(AppError("invalid_payload", "请求格式不正确，无法解析"))
        else:
            name = event if isinstance(event, str) else "?"
            refusal = error_ack(AppError("invalid_payload", f"不支持的事件：{name[:64]}"))
        await self._send_packet(
            eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=id, data=[refusal])
        )

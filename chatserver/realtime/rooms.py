"""Client managers that know each socket's rooms, so a disconnect costs its own rooms only.

python-socketio keeps rooms as namespace → room → {sid: eio_sid} and nothing the other way:
`basic_disconnect` copies and scans every room of the namespace to find the socket's, and
`get_rooms` scans them all too. Every socket is a room of its own and every conversation is
one, so with 10,000 shoppers connected each disconnect cost ~1.9 ms of CPU, and a restart
that drops them all at once cost ~20 s exactly when they all come back to resume.

Here the managers also keep namespace + sid → the rooms the socket is in, updated where a
socket enters or leaves a room (closing a room and disconnecting go through leaving). The
library's own `rooms` map stays the truth that emits read; the index only says where to look.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from typing import Any

import socketio
from socketio.async_pubsub_manager import AsyncPubSubManager

log = logging.getLogger(__name__)

# None is the namespace's room of all connected sockets (sid → eio_sid); a sid's own room is
# named after the sid. Both are rooms to leave on disconnect, as in the library.
Room = Hashable | None


class RoomIndexedManager(socketio.AsyncManager):  # type: ignore[misc]
    """The in-process manager, with each socket's rooms indexed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A dict for its insertion order: get_rooms lists rooms in the order they were entered.
        self.rooms_of_socket: dict[tuple[str, str], dict[Room, None]] = {}
        # Whether every recipient is in this process: not with a pub/sub manager (Redis), whose
        # emits must be published for the other processes' sockets.
        self.sees_every_socket = not isinstance(self, AsyncPubSubManager)

    def basic_enter_room(
        self, sid: str, namespace: str, room: Room, eio_sid: str | None = None
    ) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        # Indexed only once the library has accepted it (it refuses a sid room, a second
        # connection of one eio_sid, an unknown socket).
        key = (namespace, sid)
        rooms = self.rooms_of_socket.get(key)
        if rooms is None:
            rooms = self.rooms_of_socket[key] = {}
        rooms[room] = None

    def basic_leave_room(self, sid: str, namespace: str, room: Room) -> None:
        super().basic_leave_room(sid, namespace, room)
        key = (namespace, sid)
        rooms = self.rooms_of_socket.get(key)
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self.rooms_of_socket[key]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        # The library's bookkeeping, step for step, minus its scan of every room.
        if namespace not in self.rooms:
            return
        for room in list(self.rooms_of_socket.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        _forget_pending(self.pending_connect, namespace, sid)
        _forget_pending(self.pending_disconnect, namespace, sid)

    def get_rooms(self, sid: str, namespace: str) -> list[Room]:
        return [room for room in self.rooms_of_socket.get((namespace, sid), ()) if room is not None]

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Room | list[Room] = None,
        skip_sid: str | list[str] | None = None,
        callback: Any = None,
        to: Room | list[Room] = None,
        **kwargs: Any,
    ) -> None:
        # The library builds and encodes the packet before it looks for recipients: a
        # shopper's message is echoed to their own room, where often only the sender is.
        if (
            self.sees_every_socket
            and callback is None
            and not self._anyone_in(namespace, to or room, skip_sid)
        ):
            return
        await super().emit(
            event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to, **kwargs
        )

    def _anyone_in(self, namespace: str, room: Room | list[Room], skip_sid: Any) -> bool:
        rooms = self.rooms.get(namespace)
        if rooms is None:
            return False
        # The library's reading of `room`: a list (or tuple) is several rooms, a name is one.
        names: list[Room] = (
            list(room) if hasattr(room, "__len__") and not isinstance(room, str) else [room]  # type: ignore[arg-type]
        )
        if not names:
            return True  # the library's own answer to an empty list (it raises)
        skipped = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        return any(sid not in skipped for name in names for sid in rooms.get(name, ()))


class RoomIndexedRedisManager(RoomIndexedManager, socketio.AsyncRedisManager):  # type: ignore[misc]
    """The Redis manager (several processes) with the same index: the pub/sub layer decides
    which process acts, then reaches the same basic_* methods as the in-process one.

    Its listener also stops waiting on each delivery. python-socketio's listener task awaits
    every emit from another process until each recipient's packet has been handed over, one
    message at a time; on a busy event loop that is a loop turn or two per message, and with
    two processes past saturation the deliveries across them fell to 5-10 a second, seconds
    behind the acks (docs/benchmarks.md). Each emit now runs as a task of its own: tasks start
    in creation order and an emit queues every recipient's packet before its first await, so
    each socket still gets them in the order published. A change of rooms waits for the emits
    published before it, so membership is still read in the order published."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._emitting: set[asyncio.Future[None]] = set()

    async def _handle_emit(self, message: dict[str, Any]) -> None:
        emitting = asyncio.ensure_future(super()._handle_emit(message))
        self._emitting.add(emitting)
        emitting.add_done_callback(self._emitted)

    def _emitted(self, emitting: asyncio.Future[None]) -> None:
        self._emitting.discard(emitting)
        if not emitting.cancelled() and emitting.exception() is not None:
            log.error(
                "a message from another process was not delivered", exc_info=emitting.exception()
            )

    async def _after_earlier_emits(self) -> None:
        if self._emitting:
            await asyncio.wait(set(self._emitting))

    async def _handle_enter_room(self, message: dict[str, Any]) -> None:
        await self._after_earlier_emits()
        await super()._handle_enter_room(message)

    async def _handle_leave_room(self, message: dict[str, Any]) -> None:
        await self._after_earlier_emits()
        await super()._handle_leave_room(message)

    async def _handle_close_room(self, message: dict[str, Any]) -> None:
        await self._after_earlier_emits()
        await super()._handle_close_room(message)

    async def _handle_disconnect(self, message: dict[str, Any]) -> None:
        await self._after_earlier_emits()
        await super()._handle_disconnect(message)


def _forget_pending(pending: dict[str, list[str]], namespace: str, sid: str) -> None:
    waiting = pending.get(namespace)
    if waiting is not None and sid in waiting:
        waiting.remove(sid)
        if not waiting:
            del pending[namespace]

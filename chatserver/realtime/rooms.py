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

from collections.abc import Hashable
from typing import Any

import socketio

# None is the namespace's room of all connected sockets (sid → eio_sid); a sid's own room is
# named after the sid. Both are rooms to leave on disconnect, as in the library.
Room = Hashable | None


class RoomIndexedManager(socketio.AsyncManager):  # type: ignore[misc]
    """The in-process manager, with each socket's rooms indexed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A dict for its insertion order: get_rooms lists rooms in the order they were entered.
        self.rooms_of_socket: dict[tuple[str, str], dict[Room, None]] = {}

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


class RoomIndexedRedisManager(RoomIndexedManager, socketio.AsyncRedisManager):  # type: ignore[misc]
    """The Redis manager (several processes) with the same index: the pub/sub layer decides
    which process acts, then reaches the same basic_* methods as the in-process one."""


def _forget_pending(pending: dict[str, list[str]], namespace: str, sid: str) -> None:
    waiting = pending.get(namespace)
    if waiting is not None and sid in waiting:
        waiting.remove(sid)
        if not waiting:
            del pending[namespace]

"""The room-indexed client managers (chatserver/realtime/rooms.py) against python-socketio's own.

Random sequences of connects, room entries and exits, room closes, acks, disconnects and emits
run on the stock AsyncManager and on RoomIndexedManager side by side: every step must answer the
same (or fail the same way), leave the same rooms, pending lists, callbacks and rooms per socket,
and send the same packets to the same sockets.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from typing import Any

import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatserver.realtime.rooms import RoomIndexedManager, RoomIndexedRedisManager

NAMESPACES = ["/visitor", "/agent"]
ENGINE_SIDS = [f"e{n}" for n in range(4)]
# Plain rooms, plus names that are (or will be) socket ids: entering those must be refused.
ROOMS: list[Any] = ["conv:1", "conv:2", "agent:7", "s0", "s1"]
SOCKETS = 4  # steps pick a socket among the first ids handed out, known or not yet


def managed(manager: Any) -> Any:
    """The manager behind a real server whose socket ids run s0, s1, … (both sides alike)."""
    server = socketio.AsyncServer(client_manager=manager, async_mode="aiohttp")
    counter = itertools.count()
    server.eio.generate_id = lambda: f"s{next(counter)}"
    sent: list[tuple[str, Any]] = []

    async def send(eio_sid: str, eio_packet: Any) -> None:
        sent.append((eio_sid, eio_packet.encode()))

    server._send_eio_packet = send
    server.sent = sent
    return manager


namespace = st.sampled_from(NAMESPACES)
sid = st.integers(0, SOCKETS - 1).map(lambda n: f"s{n}")
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pre_connect"), st.sampled_from(ENGINE_SIDS), namespace),
        st.tuples(st.just("connect"), sid, namespace),
        st.tuples(st.just("connect"), st.sampled_from(ENGINE_SIDS), namespace),
        st.tuples(st.just("enter"), sid, namespace, st.sampled_from(ROOMS)),
        st.tuples(st.just("leave"), sid, namespace, st.sampled_from([*ROOMS, None])),
        st.tuples(st.just("close"), st.sampled_from(ROOMS), namespace),
        st.tuples(st.just("ack"), sid),
        st.tuples(st.just("pre_disconnect"), sid, namespace),
        st.tuples(st.just("disconnect"), sid, namespace),
        st.tuples(st.just("server_disconnect"), sid, namespace),
        st.tuples(
            st.just("emit"),
            namespace,
            st.one_of(
                st.sampled_from([*ROOMS, None]), st.lists(st.sampled_from(ROOMS), max_size=3)
            ),
            st.one_of(st.none(), sid, st.lists(sid, max_size=2)),
        ),
    ),
    min_size=5,
    max_size=40,
)


async def run_step(manager: Any, step: tuple[Any, ...]) -> Any:
    """What the step answered, or the type of what it raised."""
    kind, *args = step
    try:
        if kind == "pre_connect":
            return await manager.pre_connect(*args)
        if kind == "connect":
            connected = await manager.connect(*args)
            if inspect.iscoroutine(connected):
                # The library's quirk, alike on both sides: connecting an engine sid that is
                # already connected hands back its sync path's unawaited pre_connect.
                connected.close()
                return "unawaited coroutine"
            return connected
        if kind == "enter":
            return await manager.enter_room(*args)
        if kind == "leave":
            return await manager.leave_room(*args)
        if kind == "close":
            return await manager.close_room(*args)
        if kind == "ack":
            return manager._generate_ack_id(args[0], print)
        if kind == "pre_disconnect":
            return manager.pre_disconnect(*args)
        if kind == "emit":
            ns, room, skip = args
            return await manager.emit("message", {"text": "在吗"}, ns, room=room, skip_sid=skip)
        if kind == "server_disconnect":  # the server's order: marked leaving, then gone
            manager.pre_disconnect(*args)
        return await manager.disconnect(*args)
    except Exception as refused:  # the library's refusals are part of its behaviour
        return type(refused).__name__


def state(manager: Any) -> dict[str, Any]:
    sids = [f"s{n}" for n in range(SOCKETS)]
    return {
        "rooms": {
            ns: {room: dict(members) for room, members in rooms.items()}
            for ns, rooms in manager.rooms.items()
        },
        "pending_connect": manager.pending_connect,
        "pending_disconnect": manager.pending_disconnect,
        "callbacks": sorted(manager.callbacks),
        "rooms_of": {(ns, s): set(manager.get_rooms(s, ns)) for ns in NAMESPACES for s in sids},
        "connected": {(ns, s): manager.is_connected(s, ns) for ns in NAMESPACES for s in sids},
        "sent": sorted(manager.server.sent),
    }


def index_from_rooms(manager: Any) -> dict[tuple[str, str], set[Any]]:
    derived: dict[tuple[str, str], set[Any]] = {}
    for ns, rooms in manager.rooms.items():
        for room, members in rooms.items():
            for member in members:
                derived.setdefault((ns, member), set()).add(room)
    return derived


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=steps)
def test_same_rooms_and_bookkeeping_as_the_stock_manager(sequence: list[tuple[Any, ...]]) -> None:
    stock = managed(socketio.AsyncManager())
    indexed = managed(RoomIndexedManager())

    async def scenario() -> None:
        for step in sequence:
            assert await run_step(indexed, step) == await run_step(stock, step), step
            assert state(indexed) == state(stock), step
            index = {key: set(rooms) for key, rooms in indexed.rooms_of_socket.items()}
            assert index == index_from_rooms(indexed), step

    asyncio.run(scenario())


async def test_a_disconnect_leaves_every_room_and_empty_rooms_go() -> None:
    manager = managed(RoomIndexedManager())
    first = await manager.connect("e0", "/visitor")
    second = await manager.connect("e1", "/visitor")
    for room in ("conv:1", "conv:2"):
        await manager.enter_room(first, "/visitor", room)
    await manager.enter_room(second, "/visitor", "conv:2")
    assert set(manager.get_rooms(first, "/visitor")) == {first, "conv:1", "conv:2"}

    await manager.disconnect(first, "/visitor")

    assert set(manager.rooms["/visitor"]) == {None, second, "conv:2"}
    assert manager.get_rooms(first, "/visitor") == []
    assert ("/visitor", first) not in manager.rooms_of_socket
    assert manager.sid_from_eio_sid("e0", "/visitor") is None


def test_the_redis_manager_uses_the_index() -> None:
    manager = RoomIndexedRedisManager("redis://127.0.0.1:6379/0", channel="room-index-test")
    assert isinstance(manager, socketio.AsyncRedisManager)
    for method in ("basic_enter_room", "basic_leave_room", "basic_disconnect", "get_rooms"):
        assert getattr(type(manager), method) is getattr(RoomIndexedManager, method)
    assert manager.rooms_of_socket == {}


async def test_the_redis_manager_publishes_an_emit_nobody_here_would_receive() -> None:
    manager = managed(
        RoomIndexedRedisManager("redis://127.0.0.1:6379/0", channel="room-index-test")
    )
    published: list[dict[str, Any]] = []

    async def publish(message: dict[str, Any]) -> None:
        published.append(message)

    manager._publish = publish
    await manager.emit("message", {"text": "好的"}, "/agent", room="agent:7")
    # The other processes' sockets in agent:7 are not known here: it must go out.
    assert [(m["method"], m["event"], m["room"]) for m in published] == [
        ("emit", "message", "agent:7")
    ]


async def test_an_emit_to_a_room_nobody_else_is_in_builds_no_packet() -> None:
    manager = managed(RoomIndexedManager())
    built: list[Any] = []
    packet_class = manager.server.packet_class
    manager.server.packet_class = lambda *args, **kwargs: (
        built.append(args) or packet_class(*args, **kwargs)
    )
    shopper = await manager.connect("e0", "/visitor")
    await manager.enter_room(shopper, "/visitor", "conv:1")

    await manager.emit("message", {"text": "好的"}, "/visitor", room="conv:1", skip_sid=shopper)
    await manager.emit("message", {"text": "好的"}, "/visitor", room="conv:2")
    assert built == [] and manager.server.sent == []

    await manager.emit("message", {"text": "好的"}, "/visitor", room="conv:1")
    assert len(built) == 1 and [eio for eio, _ in manager.server.sent] == ["e0"]

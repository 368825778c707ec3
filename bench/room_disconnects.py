"""CPU per socket disconnect with many sockets connected: python-socketio's manager against
chatserver's room-indexed one (chatserver/realtime/rooms.py), in process, no network.

Each round connects `--sockets` shoppers on /visitor the way the server does (pre_connect,
connect, then the conversation's room), then disconnects `--disconnects` of them in the
server's order (pre_disconnect, disconnect) and times that CPU; also get_rooms and the
connects. Rounds alternate stock, indexed, stock, … so the shared machine's load hits both.

  python bench/room_disconnects.py --sockets 10000 --disconnects 2000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import tracemalloc
from typing import Any

import socketio

from chatserver.realtime.rooms import RoomIndexedManager

NAMESPACE = "/visitor"
MANAGERS: dict[str, type[Any]] = {"stock": socketio.AsyncManager, "indexed": RoomIndexedManager}


async def connect_all(manager: Any, count: int) -> list[str]:
    sids = []
    for n in range(count):
        sid = await manager.pre_connect(f"eio{n}", NAMESPACE)
        await manager.connect(sid, NAMESPACE)
        await manager.enter_room(sid, NAMESPACE, f"conversation:{n}")
        sids.append(sid)
    return sids


async def bytes_per_socket(kind: str, sockets: int) -> int:
    """Memory the manager holds per connected socket (a separate run: tracing slows it)."""
    manager = MANAGERS[kind]()
    socketio.AsyncServer(client_manager=manager, async_mode="aiohttp")
    tracemalloc.start()
    await connect_all(manager, sockets)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(held / sockets)


async def one_round(kind: str, sockets: int, disconnects: int) -> dict[str, Any]:
    manager = MANAGERS[kind]()
    socketio.AsyncServer(client_manager=manager, async_mode="aiohttp")  # gives it ids

    started = time.process_time()
    sids = await connect_all(manager, sockets)
    connect_cpu = time.process_time() - started

    # Spread over the population, as a network blip drops whoever it drops.
    leaving = sids[:: max(1, sockets // disconnects)][:disconnects]
    started = time.process_time()
    for sid in leaving:
        manager.get_rooms(sid, NAMESPACE)
    rooms_cpu = time.process_time() - started

    started = time.process_time()
    for sid in leaving:
        manager.pre_disconnect(sid, NAMESPACE)
        await manager.disconnect(sid, NAMESPACE)
    disconnect_cpu = time.process_time() - started
    assert len(manager.rooms[NAMESPACE][None]) == sockets - len(leaving)
    return {
        "manager": kind,
        "sockets": sockets,
        "connect_us": round(connect_cpu / sockets * 1e6, 2),
        "get_rooms_us": round(rooms_cpu / len(leaving) * 1e6, 2),
        "disconnect_us": round(disconnect_cpu / len(leaving) * 1e6, 2),
        "bytes_per_socket": await bytes_per_socket(kind, sockets),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--disconnects", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    results: dict[str, list[dict[str, Any]]] = {kind: [] for kind in MANAGERS}
    for _ in range(args.rounds):
        for kind in MANAGERS:
            result = asyncio.run(one_round(kind, args.sockets, args.disconnects))
            results[kind].append(result)
            print(json.dumps(result), flush=True)

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    print(f"\nmedians of {args.rounds} rounds, {args.sockets} sockets (µs CPU per call):")
    for key in ("disconnect_us", "get_rooms_us", "connect_us", "bytes_per_socket"):
        stock, indexed = median("stock", key), median("indexed", key)
        print(
            f"  {key:17} stock {stock:>10.2f}  indexed {indexed:>10.2f}  ratio {indexed / stock:.4f}"
        )


if __name__ == "__main__":
    main()

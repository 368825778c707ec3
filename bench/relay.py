"""Relay benchmark: N shoppers and M agents over real sockets against a real server process.

Every shopper asks for a person, is routed to an agent, then shoppers and agents exchange
messages. Reports messages/s and p50/p99 delivery latency (send → the other side's `message`
event), persistence included. Run by hand: `python bench/relay.py --shoppers 50 --agents 10`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "chatserver", *args],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )


async def wait_healthy(url: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


async def run(url: str, shoppers: int, agents: int, rounds: int) -> dict[str, Any]:
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    delivered = asyncio.Event()
    expected = shoppers * rounds * 2

    def on_delivery(message: dict[str, Any]) -> None:
        started = sent_at.pop(message["text"], None)
        if started is not None:
            latencies.append((time.perf_counter() - started) * 1000)
            if len(latencies) == expected:
                delivered.set()

    agent_clients: list[socketio.AsyncClient] = []
    chats: dict[int, socketio.AsyncClient] = {}
    assigned_count = 0
    all_assigned = asyncio.Event()
    async with aiohttp.ClientSession() as http:
        for index in range(agents):
            async with http.post(
                f"{url}/api/auth/login", json={"username": f"bench{index}", "password": "bench123"}
            ) as r:
                token = (await r.json())["token"]
            client = socketio.AsyncClient()

            async def on_assigned(data: dict[str, Any], me: socketio.AsyncClient = client) -> None:
                nonlocal assigned_count
                chats[data["conversation"]["id"]] = me
                assigned_count += 1
                if assigned_count == shoppers:
                    all_assigned.set()

            async def on_agent_message(data: dict[str, Any]) -> None:
                if data["sender"] == "visitor":
                    on_delivery(data)

            client.on("assigned", on_assigned, namespace="/agent")
            client.on("message", on_agent_message, namespace="/agent")
            await client.connect(
                url, namespaces=["/agent"], auth={"token": token}, transports=["websocket"]
            )
            agent_clients.append(client)

    visitors: list[tuple[socketio.AsyncClient, int]] = []
    for _ in range(shoppers):
        client = socketio.AsyncClient()
        session: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

        async def on_session(data: dict[str, Any], fut: asyncio.Future[Any] = session) -> None:
            if not fut.done():
                fut.set_result(data)

        async def on_visitor_message(data: dict[str, Any]) -> None:
            if data["sender"] == "agent":
                on_delivery(data)

        client.on("session", on_session, namespace="/visitor")
        client.on("message", on_visitor_message, namespace="/visitor")
        await client.connect(
            url, namespaces=["/visitor"], auth={"shop": "demo"}, transports=["websocket"]
        )
        conversation_id = (await session)["conversation_id"]
        await client.call("handoff", {}, namespace="/visitor")
        visitors.append((client, conversation_id))
    await asyncio.wait_for(all_assigned.wait(), 60)

    async def send(client: socketio.AsyncClient, namespace: str, payload: dict[str, Any]) -> None:
        # What a real client does on rate_limited: wait, then resend with the same client_id.
        for _ in range(100):
            # Delivery latency counts from the attempt the server accepted, not from the wait.
            sent_at[payload["text"]] = time.perf_counter()
            ack = await client.call("message", payload, namespace=namespace)
            if ack["ok"]:
                return
            assert ack["error"]["code"] == "rate_limited", ack
            await asyncio.sleep(0.1)
        raise RuntimeError("still rate limited")

    async def shopper_turns(client: socketio.AsyncClient, conversation_id: int) -> None:
        agent = chats[conversation_id]
        for turn in range(rounds):
            text = f"v{conversation_id}-{turn}-{uuid.uuid4().hex[:6]}"
            await send(client, "/visitor", {"client_id": text, "text": text})
            reply = f"a{conversation_id}-{turn}-{uuid.uuid4().hex[:6]}"
            await send(
                agent,
                "/agent",
                {"conversation_id": conversation_id, "client_id": reply, "text": reply},
            )

    started = time.perf_counter()
    await asyncio.gather(*(shopper_turns(c, cid) for c, cid in visitors))
    await asyncio.wait_for(delivered.wait(), 60)
    elapsed = time.perf_counter() - started
    for client, _ in visitors:
        await client.disconnect()
    for client in agent_clients:
        await client.disconnect()
    return {
        "messages": len(latencies),
        "seconds": elapsed,
        "messages_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10, help="exchanges per shopper")
    parser.add_argument(
        "--database-url", help="an EMPTY database to use instead of a fresh SQLite file"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {**os.environ, "CHATSERVER_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        env.pop("REDIS_URL", None)
        cli(env, "seed-demo")
        per_agent = math.ceil(args.shoppers / args.agents)
        for index in range(args.agents):
            cli(
                env,
                "create-agent",
                "--username",
                f"bench{index}",
                "--password",
                "bench123",
                "--name",
                f"客服{index}",
                "--max-chats",
                str(per_agent),
            )
        server = subprocess.Popen(
            [sys.executable, "-m", "chatserver", "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            asyncio.run(wait_healthy(url))
            result = asyncio.run(run(url, args.shoppers, args.agents, args.rounds))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(
        f"relay on {'PostgreSQL' if args.database_url else 'SQLite'}, {args.shoppers} shoppers / {args.agents} agents / "
        f"{args.rounds} exchanges each, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"  {result['messages']} messages in {result['seconds']:.2f} s: "
        f"{result['messages_per_s']:.0f} messages/s, "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()

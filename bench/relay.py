"""Relay benchmark: shoppers and agents over real sockets against a real server process.

`assigned`: every shopper asks for a person, is routed to an agent, then each shopper and their
agent exchange messages in turn. `queued`: nobody can take a chat (one agent panel is open, set
`away`); every shopper presses 转人工 at once, then writes while waiting, so each message makes
the server send the waiting list again. Reports ack latency (`call()` until the ack, accepted
attempts only), delivery latency (send → the other side's `message` event), `queue` events
received and messages/s. Run by hand, e.g. `python bench/relay.py --scenario all`;
`--root ../other-checkout --json` measures another checkout's server for a comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300.0  # seconds for any single wait (an ack, a connect, a phase's last event); --timeout
PROFILE: Path | None = None  # --profile: py-spy's collapsed stacks of the server, written here
QUIET = 1.0  # seconds without a `queue` event after which the broadcasts count as finished
T = TypeVar("T")
Client = socketio.AsyncClient
Scenario = Callable[[str], Awaitable[dict[str, Any]]]
RETRIES: Counter[str] = Counter()  # refused attempts that were resent, per scenario
# The running servers' URLs and process ids, for a scenario that spreads its clients over them
# or reads their /proc (bench/throughput.py).
SERVER_URLS: ContextVar[list[str]] = ContextVar("SERVER_URLS")
SERVER_PIDS: ContextVar[list[int]] = ContextVar("SERVER_PIDS")


class BenchError(Exception):
    """The run cannot go on; the message says why."""


def percentiles(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "p50": None, "p99": None}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, max(0, math.ceil(0.99 * len(ordered)) - 1))]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2), "p99": round(p99, 2)}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True).stdout


def check_root(root: Path) -> None:
    """`python -m chatserver` run in ROOT must import ROOT's server, not an installed copy."""
    probe = "import chatserver; print(chatserver.__file__)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True)
    found = Path(done.stdout.strip() or "/").resolve()
    if done.returncode != 0 or not found.is_relative_to(root):
        raise BenchError(f"in {root}, chatserver imports from {found} {done.stderr[-500:]}")


def tail(path: Path, lines: int = 40) -> str:
    """The end of the server's log, without the access log's one line per request."""
    text = path.read_text(errors="replace").splitlines()
    return "\n".join([line for line in text if " aiohttp.access: " not in line][-lines:])


async def wait(awaitable: Awaitable[T], what: str) -> T:
    try:
        return await asyncio.wait_for(awaitable, TIMEOUT)
    except TimeoutError:
        raise BenchError(f"timed out after {TIMEOUT:.0f} s waiting for {what}") from None


@contextlib.asynccontextmanager
async def fresh_database(server_url: str | None, name: str, tmp: Path) -> AsyncIterator[str]:
    """A new SQLite file, or a new PostgreSQL database beside `server_url`'s, dropped after."""
    if server_url is None:
        yield f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        return
    import asyncpg  # PostgreSQL only

    parts = urlsplit(server_url)
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(parts._replace(scheme="postgresql").geturl(), timeout=30)
        await admin.execute(f'CREATE DATABASE "{database}"')
    except (OSError, asyncpg.PostgresError) as error:
        raise BenchError(f"cannot create a database on {server_url}: {error}") from None
    try:
        yield parts._replace(path=f"/{database}").geturl()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


def chatserver(
    root: Path, env: dict[str, str], command: str, stderr: Any
) -> Awaitable[asyncio.subprocess.Process]:
    """`python -m chatserver COMMAND` with cwd=ROOT, so ROOT's code is what runs."""
    argv = [sys.executable, "-m", "chatserver", *command.split()]
    return asyncio.create_subprocess_exec(
        *argv, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=stderr
    )


async def with_server(
    root: Path,
    database_url: str | None,
    name: str,
    agents: int,
    seats: int,
    scenario: Scenario,
    processes: int = 1,
    redis_url: str | None = None,
    shops: tuple[str, ...] = ("demo",),
) -> dict[str, Any]:
    """Fresh database and data dir, the demo shop and bench agents, the server, the scenario.

    `processes` > 1 (with `redis_url`): that many identical servers sharing the database and
    Redis, on a Redis channel of this run's own so that runs never see each other's events.
    The scenario gets the first server's URL; SERVER_URLS and SERVER_PIDS hold them all.
    `shops`: `agents` bench agents in each (bench/seed_agents.py), each seeded as the demo."""
    if processes > 1 and not (database_url and redis_url):
        raise BenchError("several processes need PostgreSQL and Redis")
    channel = f"bench-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as tmp:
        async with fresh_database(database_url, name, Path(tmp)) as url:
            # Everything that matters is set here, so a .env file in ROOT cannot change it.
            env = {**os.environ, "CHATSERVER_DATA_DIR": tmp, "DATABASE_URL": url}
            env |= {"REDIS_URL": redis_url or "", "CHATSERVER_REDIS_CHANNEL": channel}
            env |= {"CHATSERVER_DEMO_SHOP": "demo", "HOST": "127.0.0.1"}
            for shop in dict.fromkeys(("demo", *shops)):  # each with the default FAQ
                seeding = {**env, "CHATSERVER_DEMO_SHOP": shop}
                process = await chatserver(root, seeding, "seed-demo", subprocess.PIPE)
                _, errors = await process.communicate()
                if process.returncode != 0:
                    raise BenchError(f"`seed-demo` failed:\n{errors.decode()[-3000:]}")
            # All agents in one process (seed_agents.py), with ROOT's code on the path.
            process = await asyncio.create_subprocess_exec(
                *[sys.executable, str(Path(__file__).with_name("seed_agents.py"))],
                *[str(agents), str(seats), *shops],
                env={**env, "PYTHONPATH": str(root)},
                cwd=root,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, errors = await process.communicate()
            if process.returncode != 0:
                raise BenchError(f"creating {agents} agents failed:\n{errors.decode()[-3000:]}")
            try:
                return await run_servers(root, env, Path(tmp), processes, scenario)
            finally:
                if redis_url:
                    await forget_channel(redis_url, channel)


async def run_servers(
    root: Path, env: dict[str, str], tmp: Path, processes: int, scenario: Scenario
) -> dict[str, Any]:
    """Starts the servers (each on a free port, with its own log), runs the scenario on them,
    stops them; fails as soon as any server exits."""
    servers: list[tuple[asyncio.subprocess.Process, Path]] = []
    urls: list[str] = []
    try:
        for index in range(processes):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            log = tmp / f"server-{index}.stderr"
            with log.open("wb") as stderr:  # the server keeps its own descriptor
                servers.append((await chatserver(root, env, f"run --port {port}", stderr), log))
            urls.append(f"http://127.0.0.1:{port}")
        pids = [server.pid for server, _ in servers]
        SERVER_URLS.set(urls)  # copied into the scenario's task below
        SERVER_PIDS.set(pids)
        work = asyncio.ensure_future(healthy_then(urls, pids, scenario))
        exits = {asyncio.ensure_future(server.wait()) for server, _ in servers}
        try:
            await asyncio.wait({work, *exits}, return_when=asyncio.FIRST_COMPLETED)
            if not work.done():
                codes = [server.returncode for server, _ in servers]
                raise BenchError(f"a server exited: exit codes {codes}")
            return work.result()
        finally:
            work.cancel()  # the scenario disconnects its clients on the way out
            await asyncio.gather(work, return_exceptions=True)
            for future in exits:
                future.cancel()
    except Exception:
        for index, (server, log) in enumerate(servers):
            state = "running" if server.returncode is None else f"exit {server.returncode}"
            text = tail(log) or "(only access log lines)"
            print(f"--- server {index} stderr ({state}), last lines:\n{text}", file=sys.stderr)
        raise
    finally:
        for server, _ in servers:
            if server.returncode is None:
                server.terminate()
        for server, _ in servers:
            try:
                await asyncio.wait_for(server.wait(), 10)
            except TimeoutError:
                server.kill()
                await server.wait()


async def forget_channel(redis_url: str, channel: str) -> None:
    """Deletes the run's presence, lock and leader keys (`CHANNEL:…`) from the shared Redis."""
    import redis.asyncio  # runs with Redis only

    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(f"{channel}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


async def open_round_the_clock(http: aiohttp.ClientSession, url: str) -> None:
    """Service hours 00:00–24:00 every day: out of hours nobody is routed (the demo shop keeps
    the default 09:00–23:00 Beijing time), and a bench must not depend on the hour it runs."""
    login = {"username": "admin", "password": "admin123"}
    async with http.post(f"{url}/api/auth/login", json=login) as response:
        if response.status != 200:
            raise BenchError(f"admin login: HTTP {response.status}")
        token = (await response.json())["token"]
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly = {day: [{"start": "00:00", "end": "24:00"}] for day in days}
    headers = {"Authorization": f"Bearer {token}"}
    async with http.put(
        f"{url}/api/business-hours", json={"weekly": weekly}, headers=headers
    ) as response:
        if response.status != 200:
            raise BenchError(f"service hours: HTTP {response.status} {await response.text()}")


@contextlib.asynccontextmanager
async def profiled(pid: int) -> AsyncIterator[None]:
    """py-spy samples the server while the scenario runs (--profile), then writes its stacks."""
    if PROFILE is None:
        yield
        return
    beside = Path(sys.executable).with_name("py-spy")
    spy = beside if beside.exists() else Path(shutil.which("py-spy") or "py-spy")
    # --gil: only the thread holding the interpreter is sampled, so waits on locks, the
    # database thread's queue or epoll are left out and the stacks show where CPU goes.
    command = [str(spy), "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--gil"]
    process = await asyncio.create_subprocess_exec(
        *command, "--output", str(PROFILE), stdout=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.send_signal(2)  # SIGINT: py-spy writes what it has sampled and exits
        await process.wait()


async def healthy_then(
    urls: list[str], pids: list[int], scenario: Scenario, *, chatserver: bool = True
) -> dict[str, Any]:
    """Waits for every server's /healthz, runs the scenario on the first one, adds the CPU
    seconds the servers (together) and the bench spent on it. `chatserver=False`: the bare
    relay, which has no service hours to open."""
    async with aiohttp.ClientSession() as http:
        for url in urls:
            await healthy(http, url)
        if chatserver:
            await open_round_the_clock(http, urls[0])
        servers, bench = sum(map(cpu_seconds, pids)), time.process_time()
        RETRIES.clear()
        async with profiled(pids[0]):
            result = await scenario(urls[0])
        result["retries"] = dict(RETRIES)
        result["server_cpu_s"] = round(sum(map(cpu_seconds, pids)) - servers, 1)
        result["bench_cpu_s"] = round(time.process_time() - bench, 1)
        return result


async def healthy(http: aiohttp.ClientSession, url: str) -> None:
    # A server imports and warms each shop's FAQ index before it listens: 15 s and more
    # while other work shares the two cores.
    for _ in range(1200):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.05)
    raise BenchError(f"the server did not answer {url}/healthz within 60 s")


async def connect(client: Client, url: str, namespace: str, auth: dict[str, Any]) -> None:
    try:
        transports = ["websocket"]
        connecting = client.connect(url, namespaces=[namespace], auth=auth, transports=transports)
        await wait(connecting, f"a {namespace} connection")
    except socketio.exceptions.ConnectionError as error:
        raise BenchError(f"{namespace} connection refused: {error}") from None


async def connect_agent(client: Client, url: str, username: str) -> None:
    async with aiohttp.ClientSession() as http:
        body = {"username": username, "password": "bench123"}
        async with http.post(f"{url}/api/auth/login", json=body) as response:
            if response.status != 200:
                raise BenchError(f"login {username}: HTTP {response.status}")
            token = (await response.json())["token"]
    await connect(client, url, "/agent", {"token": token})


async def connect_shopper(client: Client, url: str) -> int:
    """A new shopper of the demo shop; returns their conversation id."""
    session: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    client.on("session", lambda data: session.done() or session.set_result(data), "/visitor")
    await connect(client, url, "/visitor", {"shop": "demo"})
    return int((await wait(session, "the shopper's `session` event"))["conversation_id"])


async def send(
    client: Client,
    namespace: str,
    event: str,
    payload: dict[str, Any],
    acks: list[float],
    sent_at: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Call `event`; when refused as rate_limited or unavailable, wait and resend the same
    payload (same client_id), as the protocol tells clients to. Refusals are counted in RETRIES;
    only the accepted attempt is timed, into `acks` (and `sent_at[text]`, for delivery)."""
    for _ in range(100):
        started = time.perf_counter()
        if sent_at is not None:
            sent_at[payload["text"]] = started
        try:
            ack = await client.call(event, payload, namespace=namespace, timeout=TIMEOUT)
        except socketio.exceptions.TimeoutError:
            raise BenchError(f"no ack to {namespace} `{event}` within {TIMEOUT:.0f} s") from None
        if ack.get("ok"):
            acks.append((time.perf_counter() - started) * 1000)
            return dict(ack)
        code = ack.get("error", {}).get("code")
        if code not in ("rate_limited", "unavailable"):
            raise BenchError(f"{namespace} `{event}` refused: {ack}")
        RETRIES[f"{namespace} {event} {code}"] += 1
        await asyncio.sleep(0.1 if code == "rate_limited" else 1.0)
    raise BenchError(f"{namespace} `{event}` still refused after 100 attempts: {ack}")


async def disconnect(clients: list[Client]) -> None:
    closing = (asyncio.wait_for(client.disconnect(), 10) for client in clients)
    await asyncio.gather(*closing, return_exceptions=True)


async def assigned(url: str, shoppers: int, agents: int, rounds: int) -> dict[str, Any]:
    sent_at: dict[str, float] = {}
    ms: dict[str, list[float]] = {k: [] for k in ("shopper", "agent", "to_agent", "to_shopper")}
    handoffs: list[float] = []
    expected, delivered, all_assigned = shoppers * rounds * 2, asyncio.Event(), asyncio.Event()
    chats: dict[int, Client] = {}
    clients: list[Client] = []

    def deliver(message: dict[str, Any], into: str, sender: str) -> None:
        started = sent_at.pop(message["text"], None) if message["sender"] == sender else None
        if started is not None:
            ms[into].append((time.perf_counter() - started) * 1000)
            if len(ms["to_agent"]) + len(ms["to_shopper"]) == expected:
                delivered.set()

    def on_assigned(data: dict[str, Any], agent: Client) -> None:
        chats[data["conversation"]["id"]] = agent
        if len(chats) >= shoppers:
            all_assigned.set()

    async def turns(shopper: Client, cid: int) -> None:
        for turn in range(rounds):
            text = f"v{cid}-{turn}-{uuid.uuid4().hex[:6]}"
            payload = {"client_id": text, "text": text}
            await send(shopper, "/visitor", "message", payload, ms["shopper"], sent_at)
            reply = f"a{cid}-{turn}-{uuid.uuid4().hex[:6]}"
            payload = {"conversation_id": cid, "client_id": reply, "text": reply}
            await send(chats[cid], "/agent", "message", payload, ms["agent"], sent_at)

    try:
        for index in range(agents):
            clients.append(agent := Client())
            agent.on("assigned", lambda data, me=agent: on_assigned(data, me), "/agent")
            agent.on("message", lambda m: deliver(m, "to_agent", "visitor"), "/agent")
            await connect_agent(agent, url, f"bench{index}")
        visitors: list[tuple[Client, int]] = []
        for _ in range(shoppers):
            clients.append(shopper := Client())
            shopper.on("message", lambda m: deliver(m, "to_shopper", "agent"), "/visitor")
            visitors.append((shopper, await connect_shopper(shopper, url)))
            await send(shopper, "/visitor", "handoff", {}, handoffs)
        await wait(all_assigned.wait(), f"all {shoppers} chats to be assigned")
        started = time.perf_counter()
        await asyncio.gather(*(turns(shopper, cid) for shopper, cid in visitors))
        await wait(delivered.wait(), f"{expected} deliveries")
        elapsed = time.perf_counter() - started
    finally:
        await disconnect(clients)
    return {
        "messages": expected,
        "seconds": round(elapsed, 3),
        "messages_per_s": round(expected / elapsed, 1),
        "shopper_ack_ms": percentiles(ms["shopper"]),
        "agent_ack_ms": percentiles(ms["agent"]),
        "delivery_to_agent_ms": percentiles(ms["to_agent"]),
        "delivery_to_shopper_ms": percentiles(ms["to_shopper"]),
        "handoff_ack_one_by_one_ms": percentiles(handoffs),
    }


async def queued(url: str, shoppers: int, agents: int, messages: int) -> dict[str, Any]:
    counts = {"shopper": 0, "agent": 0}
    last_queue_at = time.perf_counter()
    message_acks: list[float] = []
    handoffs: list[float] = []
    clients: list[Client] = []
    routed: list[Any] = []

    def on_queue(side: str) -> None:
        nonlocal last_queue_at
        counts[side] += 1
        last_queue_at = time.perf_counter()

    async def settle() -> dict[str, int]:
        """Waits until no `queue` event arrived for QUIET s; returns the counts so far."""
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() - last_queue_at < QUIET:
            if time.perf_counter() > deadline:
                raise BenchError(f"`queue` events still arriving after {TIMEOUT:.0f} s")
            await asyncio.sleep(0.1)
        return dict(counts)

    async def write(shopper: Client, cid: int) -> None:
        for turn in range(messages):
            text = f"q{cid}-{turn}-{uuid.uuid4().hex[:6]}"
            payload = {"client_id": text, "text": text}
            ack = await send(shopper, "/visitor", "message", payload, message_acks)
            if ack["status"] != "queued":
                raise BenchError(f"chat {cid} left the queue: status {ack['status']}")

    try:
        for index in range(agents):
            # An open agent panel gets the waiting list; `away` keeps routing from using it.
            clients.append(agent := Client())
            caught_up = asyncio.Event()
            agent.on("queue", lambda _data, e=caught_up: (on_queue("agent"), e.set()), "/agent")
            agent.on("assigned", routed.append, "/agent")
            await connect_agent(agent, url, f"bench{index}")
            # Connecting makes an offline agent online before its catch-up `queue` event.
            await wait(caught_up.wait(), "the agent's catch-up `queue` event")
            await send(agent, "/agent", "status", {"status": "away"}, [])
        visitors: list[tuple[Client, int]] = []
        for _ in range(shoppers):
            clients.append(shopper := Client())
            shopper.on("queue", lambda _data: on_queue("shopper"), "/visitor")
            shopper.on("assigned", routed.append, "/visitor")
            visitors.append((shopper, await connect_shopper(shopper, url)))
        before = await settle()
        acks = await asyncio.gather(
            *(send(shopper, "/visitor", "handoff", {}, handoffs) for shopper, _ in visitors)
        )
        if routed or any(ack["status"] != "queued" for ack in acks):
            raise BenchError("a chat was assigned: is an agent of the demo shop online?")
        handed_off = await settle()
        started = time.perf_counter()
        await asyncio.gather(*(write(shopper, cid) for shopper, cid in visitors))
        acked = time.perf_counter() - started
        end = await settle()
    finally:
        await disconnect(clients)
    return {
        "messages": shoppers * messages,
        "seconds": round(acked, 3),
        "messages_per_s": round(shoppers * messages / acked, 1),
        "last_queue_event_at_s": round(max(last_queue_at - started, acked), 3),
        "shopper_ack_ms": percentiles(message_acks),
        "handoff_ack_all_at_once_ms": percentiles(handoffs),
        "queue_events_to_shoppers": end["shopper"] - before["shopper"],
        "during_handoffs": handed_off["shopper"] - before["shopper"],
        "while_writing": end["shopper"] - handed_off["shopper"],
        "queue_events_to_agents": end["agent"] - before["agent"],
    }


def show(name: str, sizes: str, result: dict[str, Any]) -> None:
    print(
        f"{name}, {sizes}: {result['messages']} messages in {result['seconds']:.2f} s, "
        f"{result['messages_per_s']:.0f} messages/s (until the last ack or delivery)"
    )
    for key, value in result.items():
        if key.endswith("_ms"):
            label, p50, p99, n = key[:-3].replace("_", " "), value["p50"], value["p99"], value["n"]
            print(f"  {label:<28} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   (n={n})")
        elif key == "retries":
            text = ", ".join(f"{n} × {what}" for what, n in value.items()) or "none"
            print(f"  {'resent after a refusal':<28} {text}")
        elif key.endswith("_s") and key not in ("seconds", "messages_per_s"):
            print(f"  {key[:-2].replace('_', ' '):<28} {value:.1f} s")
        elif key not in ("messages", "seconds", "messages_per_s"):
            print(f"  {key.replace('_', ' '):<28} {value:,}")


def main() -> None:
    global TIMEOUT, PROFILE  # knobs set once before anything runs
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", choices=["assigned", "queued", "all"], default="assigned")
    parser.add_argument("--shoppers", type=int, help="default 50 (assigned), 100 (queued)")
    parser.add_argument("--agents", type=int, help="default 10 (assigned), 1 away (queued)")
    parser.add_argument("--rounds", type=int, default=10, help="exchanges per shopper (assigned)")
    parser.add_argument("--messages", type=int, default=5, help="messages per shopper (queued)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose server to run")
    parser.add_argument("--json", action="store_true", help="one JSON line per scenario")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds for any one wait")
    parser.add_argument(
        "--database-url",
        help="postgresql+asyncpg://HOST:PORT/DB: each scenario runs on a new database created "
        "on that server (DB itself is only used to connect) and dropped after; default SQLite",
    )
    parser.add_argument(
        "--profile", type=Path, help="write py-spy's collapsed stacks of the server to this file"
    )
    args = parser.parse_args()
    TIMEOUT, PROFILE = args.timeout, args.profile
    root: Path = args.root.resolve()
    if min(args.rounds, args.messages, args.shoppers or 1) < 1:
        parser.error("--shoppers, --rounds and --messages must be 1 or more")
    if args.database_url and not args.database_url.startswith("postgresql+asyncpg://"):
        parser.error("--database-url must start with postgresql+asyncpg://")
    # Uncommitted changes to the server's code, not to this file, mark the commit dirty.
    changes = git(root, "status", "--porcelain", "--", "chatserver", "faq", "migrations")
    dirty = "+dirty" if changes else ""
    info = {
        "root": str(root),
        "commit": (git(root, "rev-parse", "--short", "HEAD").strip() or "unknown") + dirty,
        "database": "postgresql" if args.database_url else "sqlite",
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
    }
    header = "relay bench: {root} @ {commit}, {database}, Python {python}, {cpu}, {cores} cores"
    if not args.json:
        print(header.format(**info), flush=True)
    try:
        check_root(root)
        for name in ["assigned", "queued"] if args.scenario == "all" else [args.scenario]:
            shoppers = args.shoppers or (50 if name == "assigned" else 100)
            agents = args.agents if args.agents is not None else (10 if name == "assigned" else 1)
            if name == "assigned":
                if agents < 1:
                    parser.error("the assigned scenario needs --agents 1 or more")
                seats, per_shopper = math.ceil(shoppers / agents), args.rounds
                sizes = f"{shoppers} shoppers / {agents} agents / {per_shopper} exchanges each"
                scenario = partial(assigned, shoppers=shoppers, agents=agents, rounds=per_shopper)
            else:
                seats, per_shopper = 5, args.messages
                sizes = f"{shoppers} shoppers / {agents} agents away / {per_shopper} messages each"
                scenario = partial(queued, shoppers=shoppers, agents=agents, messages=per_shopper)
            run = with_server(root, args.database_url, name, agents, seats, scenario)
            result = asyncio.run(run)
            if args.json:
                size = {"shoppers": shoppers, "agents": agents, "per_shopper": per_shopper}
                print(json.dumps({"scenario": name, **info, **size, **result}), flush=True)
            else:
                show(name, sizes, result)
    except BenchError as error:
        sys.exit(f"relay bench failed: {error}")


if __name__ == "__main__":
    main()

"""Throughput, idle memory and connect rate of chatserver, each as a ratio to the bare relay.

Starts each server in turn on a fresh database (bench/relay.py's setup: the demo shop and
agents bench0… with password bench123) or `bench/bare_relay.py`, and runs the Node load driver
(`bench/node/driver.mjs`, `npm ci` in bench/node first) against it, one after the other within
the same minutes, so the shared machine's load is about the same for the baseline and the
server measured against it. Prints one JSON line per run and a table with ratios to `bare`.

  python bench/throughput.py relay --servers bare,sqlite,pg --sizes 100,250,500 --repeat 2
  python bench/throughput.py idle --servers bare,sqlite --sizes 10000
  python bench/throughput.py connect --servers bare,sqlite,pg --sizes 2000
  python bench/throughput.py connect --servers bare,sqlite-before,sqlite --before ../main
  python bench/throughput.py relay --servers pg-redis,pg-redis-2 --shops demo,east --sizes 500

`pg` uses `--database-url` (default postgresql+asyncpg://127.0.0.1:5432/test; a new database
per run, dropped after). `pg-redis` adds `--redis-url` (one process, every event through
Redis: the baseline for scaling out); `pg-redis-2` runs two processes sharing the database
and Redis, shoppers connected to the first and agents to the second, so every message crosses
from one process to the other through Redis. Server CPU is the sum over the processes.
`--shops demo,east` splits the conversations over two shops and turns the second one round
(its shoppers on the second process, its agents on the first), so that both processes store
messages: with one shop, the agents' process only relays what the shoppers' one stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import relay  # (this folder's relay.py: server setup shared with the relay bench)

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "bench" / "node" / "driver.mjs"
CHATS_PER_AGENT = 5


def raise_file_limit() -> None:
    """Servers started from here inherit it: 10,000 sockets need 10,000 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def drive(
    mode: str, urls: list[str], pids: list[int], size: int, extra: list[str]
) -> dict[str, Any]:
    """Shoppers on the first URL, agents on the last; CPU read from every pid."""
    what = "--conversations" if mode == "relay" else "--shoppers"
    where = ["--url", urls[0], "--agent-url", urls[-1], "--pid", ",".join(map(str, pids))]
    argv = ["node", str(DRIVER), mode, *where, what, str(size), *extra]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise relay.BenchError(f"driver exit {process.returncode}: {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def bare(mode: str, size: int, extra: list[str], flags: list[str]) -> dict[str, Any]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    script = ROOT / "bench" / "bare_relay.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # --no-deflate imports chatserver's transport
    server = await asyncio.create_subprocess_exec(
        sys.executable, str(script), "--port", str(port), *flags, cwd=ROOT, env=env
    )
    try:
        url = f"http://127.0.0.1:{port}"

        async def scenario(_: str) -> dict[str, Any]:
            return await drive(mode, [url], [server.pid], size, extra)

        return await relay.healthy_then([url], [server.pid], scenario, chatserver=False)
    finally:
        server.terminate()
        await server.wait()


def shopper_questions() -> Path:
    """The demo FAQ's questions and their phrasings, as shoppers would ask them: a file for
    the driver's bot shoppers."""
    entries = json.loads((ROOT / "faq" / "data" / "default_faq.json").read_text("utf-8"))
    questions = [text for entry in entries for text in [entry["question"], *entry["similar"]]]
    path = Path(tempfile.gettempdir()) / f"bench-questions-{os.getpid()}.json"
    path.write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
    return path


async def chatserver(
    mode: str,
    size: int,
    extra: list[str],
    database: str | None,
    root: Path,
    processes: int,
    redis_url: str | None,
    shops: tuple[str, ...],
    bot_shoppers: int,
) -> Any:
    async def scenario(_: str) -> dict[str, Any]:
        return await drive(
            mode, relay.SERVER_URLS.get(), relay.SERVER_PIDS.get(), size, extra + bot_flags
        )

    bot_flags = []  # the bare relay has no bot: only chatserver gets bot shoppers
    if mode == "relay" and bot_shoppers:
        bot_flags = ["--bot-shoppers", str(bot_shoppers), "--questions", str(shopper_questions())]

    # Agents exist only for the relay mode (so many in each shop); one is enough elsewhere.
    seats = int(extra[extra.index("--chats-per-agent") + 1]) if mode == "relay" else 1
    agents = math.ceil(math.ceil(size / len(shops)) / seats) if mode == "relay" else 1
    return await relay.with_server(
        root, database, mode, agents, seats, scenario, processes, redis_url, shops
    )


def run_one(server: str, mode: str, size: int, extra: list[str], args: Any) -> dict[str, Any]:
    if server.startswith("bare"):
        flags = ["--no-deflate"] if server == "bare-nodeflate" else []
        result = asyncio.run(bare(mode, size, extra, flags))
    else:
        database = args.database_url if server.startswith("pg") else None
        root = args.before.resolve() if server.endswith("-before") else ROOT
        redis = args.redis_url if server.startswith("pg-redis") else None
        processes = 2 if server == "pg-redis-2" else 1
        shops = tuple(args.shops.split(","))
        run = chatserver(
            mode, size, extra, database, root, processes, redis, shops, args.bot_shoppers
        )
        result = asyncio.run(run)
    return {"server": server, "size": size, **result}


def headline(mode: str, r: dict[str, Any]) -> dict[str, float | None]:
    if mode == "relay":
        return {
            "ack p50": r["ack_ms"]["p50"],
            "ack p99": r["ack_ms"]["p99"],
            "delivery p99": r["delivery_ms"]["p99"],
            "msg/s": r["messages_per_s"],
            "CPU %": r["server_cpu_pct"],
            "bot p99": r.get("bot_answer_ms", {}).get("p99"),
        }
    if mode == "idle":
        return {"KiB/conn": r["kib_per_connection"], "open s": r["open_seconds"]}
    return {
        "new/s": r["new"]["per_s"],
        "new CPU ms": r["new"]["server_cpu_ms_each"],
        "resume/s": r["resuming"]["per_s"],
        "resume CPU ms": r["resuming"]["server_cpu_ms_each"],
        # The server's CPU from a round's disconnects until idle, per shopper.
        "drop CPU ms": r["new"].get("disconnect_cpu_ms_each"),
        "resume drop CPU ms": r["resuming"].get("disconnect_cpu_ms_each"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["relay", "idle", "connect"])
    parser.add_argument("--servers", default="bare,sqlite,pg")
    parser.add_argument("--sizes", default="100,250,500")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seconds", default="30", help="relay: measured window per run")
    parser.add_argument("--database-url", default="postgresql+asyncpg://127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="pg-redis…")
    parser.add_argument(
        "--shops", default="demo", help="relay: shops to split the conversations over"
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=ROOT.parent / "main",
        help="checkout run by the servers sqlite-before and pg-before (default ../main)",
    )
    parser.add_argument(
        "--chats-per-agent", type=int, default=CHATS_PER_AGENT, help="relay: agents' seats"
    )
    parser.add_argument(
        "--panel",
        choices=("focus", "all"),
        default="focus",
        help="relay: agents open one chat as the panel does (focus), or never say (all)",
    )
    parser.add_argument(
        "--bot-shoppers",
        type=int,
        default=0,
        help="relay: this many more shoppers ask the bot FAQ questions (bot answer p99)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="write py-spy's collapsed stacks of the (last) server measured to this file",
    )
    args = parser.parse_args()
    relay.PROFILE = args.profile
    if not (ROOT / "bench" / "node" / "node_modules").is_dir():
        sys.exit("run `npm ci` in bench/node first (or `make bench`)")
    raise_file_limit()
    seats = ["--chats-per-agent", str(args.chats_per_agent)]
    relay_only = ["--seconds", args.seconds, "--shops", args.shops, "--panel", args.panel, *seats]
    extra = relay_only if args.mode == "relay" else []
    rows: list[tuple[str, int, dict[str, float | None]]] = []
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    for size in [int(s) for s in args.sizes.split(",")]:
        for _ in range(args.repeat):
            baseline: dict[str, float | None] = {}
            for server in args.servers.split(","):
                try:
                    result = run_one(server, args.mode, size, extra, args)
                except relay.BenchError as error:
                    sys.exit(f"{server} {size}: {error}")
                print(json.dumps(result), flush=True)
                figures = headline(args.mode, result)
                baseline = baseline or figures
                load = result.get("load_before", [None])[0]
                ratios = {
                    k: round(v / b, 2) if v is not None and b else None
                    for k, v in figures.items()
                    if (b := baseline.get(k)) is not None
                }
                each = result.get("server_cpu_pct_each", [])  # several processes: CPU % of each
                split = f"  CPU % each {each}" if len(each) > 1 else ""
                print(f"  {server:<14} {size:>6}  {figures}  ratio {ratios}  load {load}{split}")
                rows.append((server, size, figures))


if __name__ == "__main__":
    main()

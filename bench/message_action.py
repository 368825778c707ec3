"""Shopper message action benchmark: the CPU one stored message costs, without sockets or listeners.

`ChatMessages.do_post_visitor_message` is the hot path of a busy shop (issue 12): the chat
locked, the resend looked for, the shopper and their shop's widget settings read, the message
stored, the chat's clocks advanced, one commit. This measures it alone, with no listeners and no
network, so a change to the transaction's machinery shows as a ratio of a few per cent that the
socket benchmarks (bench/throughput.py) cannot separate from their noise. Shoppers write
concurrently (`--concurrency` at a time), each to their own chat assigned to an agent, as in
the relay benchmark. Run by hand from the checkout, e.g.
`python bench/message_action.py` (SQLite in a temporary directory), or with
`--database-url postgresql+asyncpg://127.0.0.1:5432/test` (a new database, dropped after).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

# The checkout, not bench/, first: bench/faq.py would shadow the matcher's package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

import chatserver.__main__ as cli  # noqa: E402
from chatserver.actions.messages import ChatMessages  # noqa: E402
from chatserver.actions.visitor_session import VisitorContext  # noqa: E402
from chatserver.commands.chat import VisitorMessage  # noqa: E402
from chatserver.config import load_settings  # noqa: E402
from chatserver.db.engine import Database  # noqa: E402
from chatserver.db.models import Agent, Conversation, Shop, Visitor, utcnow  # noqa: E402
from chatserver.db.webhook_outbox import write_outbox  # noqa: E402
from chatserver.dispatch import Dispatcher  # noqa: E402
from chatserver.heap import tune_collector  # noqa: E402


@asynccontextmanager
async def database_url(server: str | None) -> AsyncIterator[str]:
    """A fresh database: a SQLite file in a temporary directory, or a new PostgreSQL one."""
    if server is None:
        with tempfile.TemporaryDirectory(prefix="message-bench-") as tmp:
            yield f"sqlite+aiosqlite:///{tmp}/chat.db"
        return
    name = f"message_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def seed(db: Database, chats: int) -> list[VisitorContext]:
    async with db.transaction() as tx:
        session = tx.session
        shop_id = await session.scalar(select(Shop.id).where(Shop.slug == "demo"))
        agent_id = await session.scalar(select(Agent.id).where(Agent.shop_id == shop_id))
        await session.execute(
            insert(Visitor),
            [
                {"shop_id": shop_id, "token_hash": f"bench{i}", "name": f"访客{i}"}
                for i in range(chats)
            ],
        )
        visitors = list(await session.scalars(select(Visitor.id).where(Visitor.shop_id == shop_id)))
        now = utcnow()
        await session.execute(
            insert(Conversation),
            [
                {
                    "shop_id": shop_id,
                    "visitor_id": visitor_id,
                    "status": "assigned",
                    "agent_id": agent_id,
                    "queued_at": now,
                    "assigned_at": now,
                }
                for visitor_id in visitors
            ],
        )
        rows = await session.execute(
            select(Conversation.id, Conversation.visitor_id).where(Conversation.shop_id == shop_id)
        )
        assert shop_id is not None
        return [VisitorContext(shop_id, visitor_id, chat_id) for chat_id, visitor_id in rows]


async def measure(url: str, chats: int, messages: int, concurrency: int) -> tuple[float, float]:
    """CPU ms and wall ms per message over `messages` messages after a warm-up."""
    with tempfile.TemporaryDirectory(prefix="message-bench-data-") as tmp:
        settings = load_settings(
            {"CHATSERVER_DATA_DIR": tmp, "DATABASE_URL": url}, host="127.0.0.1", port=0
        )
        await cli._migrate(settings)
        await cli._seed_demo(settings)
        # As the server builds it (wiring.py): events published on commit and the webhook
        # outbox written in each commit; no listener subscribed (their work is not measured).
        db = Database(settings.database_url, Dispatcher(), before_commit=write_outbox)
        contexts = await seed(db, chats)
        action = ChatMessages(db)
        counter = iter(range(10**9))

        async def shopper(context: VisitorContext, count: int) -> None:
            for _ in range(count):
                n = next(counter)
                command = VisitorMessage(client_id=f"m{n}", text=f"第{n}条：请问这件什么时候发货？")
                await action.do_post_visitor_message(context, command)

        async def round_of(total: int) -> None:
            each, rest = divmod(total, concurrency)
            await asyncio.gather(
                *(
                    shopper(contexts[i % len(contexts)], each + (i < rest))
                    for i in range(concurrency)
                )
            )

        await round_of(min(messages, 500))  # warm: statement caches, the pool
        started_cpu, started = time.process_time(), time.perf_counter()
        await round_of(messages)
        cpu = (time.process_time() - started_cpu) / messages * 1000
        wall = (time.perf_counter() - started) / messages * 1000
        await db.dispose()
        return cpu, wall


async def run(args: argparse.Namespace) -> None:
    for _ in range(args.repeat):
        async with database_url(args.database_url) as url:
            cpu, wall = await measure(url, args.chats, args.messages, args.concurrency)
        kind = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"{kind}: {args.messages} shopper messages, {args.concurrency} at a time: "
            f"{cpu:.3f} ms of CPU and {wall:.3f} ms of wall time a message",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="postgresql+asyncpg://HOST:PORT/DB (default SQLite)")
    args = parser.parse_args()
    # As `run` serves: its event loop (uvloop where installed) and its collector's thresholds.
    tune_collector()
    loop = cli._event_loop(load_settings({}, host="127.0.0.1", port=0))
    try:
        loop.run_until_complete(run(args))
    finally:
        loop.close()


if __name__ == "__main__":
    main()

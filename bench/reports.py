"""Reports benchmark: 100,000 conversations and 1,000,000 messages in a PostgreSQL database of
their own, then every report timed as the REST handler runs it (views/reports.py).

The data: one shop with 20 agents in the default groups (售前/售后), conversations spread over
the last 90 days, about 40 % answered by the bot alone, handoffs with the usual reasons, first
responses from 5 s to 10 min, ratings on a third of the closed chats, an `sla_breach` row for
each first response over its target, ten messages a conversation on average. Loaded with COPY
(asyncpg `copy_records_to_table`), then VACUUM ANALYZE, as a live database would be.

Run by hand: `python bench/reports.py` (PostgreSQL at 127.0.0.1:5432, or `--admin-url`);
`--keep` leaves the database for a look with EXPLAIN. Each report is run `--repeat` times;
the median and the slowest are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chatserver.db.engine import Database  # noqa: E402
from chatserver.db.migrate import upgrade  # noqa: E402
from chatserver.seed import ensure_shop  # noqa: E402
from chatserver.services.auth import create_agent  # noqa: E402
from chatserver.views import report_export  # noqa: E402
from chatserver.views.reports import ReportViews  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
REASONS = ("requested", "requested", "requested", "bot_unsure", "complaint", "photo")


def _conversations(
    count: int, shop_id: int, visitor_ids: list[int], agents: list[int], groups: dict[str, int]
) -> tuple[list[tuple[Any, ...]], list[tuple[int, str, int | None, datetime, datetime]]]:
    """Conversation records for COPY, and what the messages, events and ratings need of each."""
    rng = random.Random(8)
    now = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    facts: list[tuple[int, str, int | None, datetime, datetime]] = []
    for number in range(1, count + 1):
        created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
        if rng.random() < 0.4:  # the bot alone
            status, agent, group, reason = "bot", None, None, None
            queued = assigned = answered = closed = None
        else:
            reason = rng.choice(REASONS)
            topic = (
                "aftersales"
                if reason in ("complaint", "photo") or rng.random() < 0.3
                else "presales"
            )
            group = groups[topic]
            queued = created + timedelta(seconds=rng.uniform(5, 120))
            agent = rng.choice(agents)
            assigned = queued + timedelta(seconds=rng.uniform(1, 30))
            answered = queued + timedelta(seconds=min(600, rng.lognormvariate(3.5, 0.9)))
            closed = (
                answered + timedelta(seconds=rng.uniform(60, 3600)) if rng.random() < 0.85 else None
            )
            status = "closed" if closed else "assigned"
        rows.append(
            (
                number, shop_id, visitor_ids[number % len(visitor_ids)], status, 0, agent, reason,
                group, 0, 10, None, created, queued, assigned, answered, closed, created, None,
                None, None, 0, 0,
            )
        )  # fmt: skip
        facts.append((number, status, agent, answered or created, closed or created))
    return rows, facts


def _url(admin_url: str, database: str) -> str:
    return f"{admin_url.rsplit('/', 1)[0]}/{database}".replace(
        "postgresql://", "postgresql+asyncpg://"
    )


async def load(admin_url: str, database: str, conversations: int, messages_each: int) -> str:
    url = f"{admin_url.rsplit('/', 1)[0]}/{database}".replace(
        "postgresql://", "postgresql+asyncpg://"
    )
    await upgrade(url)
    db = Database(url)
    async with db.transaction() as tx:
        shop, _ = await ensure_shop(tx.session, "bench", "压测店铺")
        for n in range(20):
            await create_agent(
                tx.session, shop=shop, username=f"bench{n}", password="secret123", name=f"客服{n}"
            )
    await db.dispose()
    conn = await asyncpg.connect(f"{admin_url.rsplit('/', 1)[0]}/{database}")
    try:
        shop_id = await conn.fetchval("SELECT id FROM shops WHERE slug = 'bench'")
        agents = [
            r["id"] for r in await conn.fetch("SELECT id FROM agents WHERE shop_id = $1", shop_id)
        ]
        groups = {
            r["topic"]: r["id"]
            for r in await conn.fetch(
                "SELECT id, topic FROM agent_groups WHERE shop_id = $1", shop_id
            )
        }
        visitors = [
            (i, shop_id, f"bench-{i}", "访客", datetime.now(UTC), datetime.now(UTC))
            for i in range(1, 20_001)
        ]
        await conn.copy_records_to_table(
            "visitors",
            records=visitors,
            columns=["id", "shop_id", "token_hash", "name", "created_at", "last_seen_at"],
        )
        rows, facts = _conversations(
            conversations, shop_id, [v[0] for v in visitors], agents, groups
        )
        await conn.copy_records_to_table(
            "conversations",
            records=rows,
            columns=[
                "id", "shop_id", "visitor_id", "status", "priority", "agent_id", "handoff_reason",
                "group_id", "bot_misses", "last_seq", "awaiting_since", "created_at", "queued_at",
                "assigned_at", "first_response_at", "closed_at", "updated_at", "flag",
                "flag_changed_by", "flag_changed_at", "visitor_read_seq", "agent_read_seq",
            ],
        )  # fmt: skip
        rng = random.Random(9)
        message_rows = []
        event_rows = []
        rating_rows = []
        event_id = 0
        for conversation_id, status, agent, answered, closed in facts:
            for seq in range(1, messages_each + 1):
                sender = "visitor" if seq % 3 == 1 else "bot" if status == "bot" else "agent"
                message_rows.append(
                    (conversation_id, seq, sender, sender, agent if sender == "agent" else None,
                     "您好，请问有什么可以帮您？", "text", None, "{}", None, answered)
                )  # fmt: skip
            if agent is not None and rng.random() < 0.12:
                event_id += 1
                event_rows.append(
                    (event_id, conversation_id, "sla_breach", None, None, "system", None, None,
                     '{"kind": "first_response", "target_seconds": 60, "group_id": null}', answered)
                )  # fmt: skip
            if status == "closed":
                event_id += 1
                event_rows.append(
                    (event_id, conversation_id, "closed", "assigned", "closed", "agent", agent,
                     "agent", f'{{"agent_id": {agent}, "rating_requested": true}}', closed)
                )  # fmt: skip
                if rng.random() < 0.33:
                    rating_rows.append(
                        (conversation_id, event_id, shop_id, agent, rng.choice((5, 5, 5, 4, 4, 3, 1)), None, closed)
                    )  # fmt: skip
        await conn.copy_records_to_table(
            "messages",
            records=message_rows,
            columns=["conversation_id", "seq", "sender", "sender_name", "agent_id", "text", "kind",
                     "client_id", "meta", "response_ms", "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "conversation_events",
            records=event_rows,
            columns=["id", "conversation_id", "type", "from_status", "to_status", "actor_type",
                     "actor_id", "reason", "data", "created_at"],
        )  # fmt: skip
        await conn.copy_records_to_table(
            "ratings",
            records=rating_rows,
            columns=["conversation_id", "close_event_id", "shop_id", "agent_id", "score", "comment",
                     "created_at"],
        )  # fmt: skip
        for table in ("visitors", "conversations", "messages", "conversation_events", "ratings"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        await conn.execute("VACUUM ANALYZE")
        counted = await conn.fetchval("SELECT count(*) FROM messages")
        print(f"loaded {len(rows):,} conversations, {counted:,} messages, {len(event_rows):,} events, "
              f"{len(rating_rows):,} ratings")  # fmt: skip
    finally:
        await conn.close()
    return url


def _backend_cpu(pid: int) -> float:
    """CPU seconds a local PostgreSQL backend has used (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _backend_pid(db: Database) -> int:
    from sqlalchemy import text

    async with db.sessions() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def time_reports(url: str, repeat: int) -> list[tuple[str, float, float]]:
    # one pooled connection, so its backend's CPU time is the reports' own
    db = Database(url)
    db.engine.pool.dispose()
    views = ReportViews(db)
    async with db.sessions() as session:
        from sqlalchemy import text

        shop_id = (
            await session.execute(text("SELECT id FROM shops WHERE slug = 'bench'"))
        ).scalar_one()
        agent_id = (
            await session.execute(
                text("SELECT min(id) FROM agents WHERE shop_id = :s"), {"s": shop_id}
            )
        ).scalar_one()
    today = datetime.now(ZONE).date() + timedelta(days=1)
    end = datetime.combine(today, datetime.min.time(), tzinfo=ZONE)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("shop, 30 days by day", {"dimension": "shop", "period": "day", "days": 30}),
        ("shop, 90 days by day (all 100k)", {"dimension": "shop", "period": "day", "days": 91}),
        ("shop, 90 days by week", {"dimension": "shop", "period": "week", "days": 91}),
        ("shop, 90 days by month", {"dimension": "shop", "period": "month", "days": 91}),
        ("agents, 90 days in total", {"dimension": "agents", "period": "all", "days": 91}),
        ("agents, 30 days by day", {"dimension": "agents", "period": "day", "days": 30}),
        ("groups, 90 days in total", {"dimension": "groups", "period": "all", "days": 91}),
        (
            "one agent, 90 days by day",
            {"dimension": "shop", "period": "day", "days": 91, "agent_id": agent_id},
        ),
    ]
    results = []
    for name, case in cases:
        args = dict(case)
        start = end - timedelta(days=args.pop("days"))
        timings = []
        cpu = []
        report: dict[str, Any] = {}
        for _ in range(repeat):
            pid = await _backend_pid(db)
            began, began_cpu = time.perf_counter(), time.process_time() + _backend_cpu(pid)
            report = await views.report(shop_id, start=start, end=end, zone=ZONE, **args)
            timings.append(time.perf_counter() - began)
            assert pid == await _backend_pid(db), "the report used another connection"
            cpu.append(time.process_time() + _backend_cpu(pid) - began_cpu)
        results.append((name, statistics.median(timings), max(timings)))
        print(f"{name:34s} wall median {statistics.median(timings) * 1000:7.1f} ms, "
              f"slowest {max(timings) * 1000:7.1f} ms; CPU median {statistics.median(cpu) * 1000:6.0f} ms"
              f"   rows {len(report['rows'])}")  # fmt: skip
    began = time.perf_counter()
    report_export.to_xlsx(report)
    print(f"{'  + its .xlsx':38s} {(time.perf_counter() - began) * 1000:7.1f} ms")
    await db.dispose()
    return results


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-each", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DATABASE", help="time the reports of a kept database")
    options = parser.parse_args()
    commit = _commit()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, commit {commit}, load {os.getloadavg()[0]:.2f}")  # fmt: skip
    admin = await asyncpg.connect(options.admin_url)
    database = options.reuse or f"cs_bench_reports_{uuid.uuid4().hex[:8]}"
    keep = options.keep or options.reuse is not None
    try:
        if options.reuse:
            url = _url(options.admin_url, database)
        else:
            await admin.execute(f'CREATE DATABASE "{database}"')
            began = time.perf_counter()
            url = await load(
                options.admin_url, database, options.conversations, options.messages_each
            )
            print(
                f"load took {time.perf_counter() - began:.1f} s; load average now {os.getloadavg()[0]:.2f}"
            )
        await time_reports(url, options.repeat)
    finally:
        if keep:
            print(f"kept database {database} (--reuse {database})")
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())

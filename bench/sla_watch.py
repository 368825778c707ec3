"""SLA watch benchmark: the CPU one tick of the watch costs with N open chats, and one alert.

Every second one process (the leader) reads every queued and assigned chat and decides which
have an alert due (listeners/sla_watch.py → views/sla_due.py `DueChats.scan`); at a sales-day
load that is a thousand chats a second on the event loop. Two figures: the first tick of a
watch (after a restart or a new leader: every chat's clocks computed) and a later one (chats
with nothing due yet are remembered). Then every chat is made overdue and one tick fires
their alerts (a warning and a breach each: a sales day whose agents cannot keep up), as the
server does, events published and the webhook outbox written. Run by hand from the checkout, e.g.
`PYTHONPATH=. python bench/sla_watch.py --chats 1000` (SQLite in a temporary directory).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

import chatserver.__main__ as cli
from chatserver.actions.sla import SlaActions
from chatserver.config import load_settings
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Conversation, Shop, Visitor, utcnow
from chatserver.db.webhook_outbox import write_outbox
from chatserver.dispatch import Dispatcher
from chatserver.listeners.sla_watch import SlaWatch
from chatserver.services.leader import SoleProcess
from chatserver.views.sla_due import DueChats


async def measure(chats: int, ticks: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as tmp:
        settings = load_settings({"CHATSERVER_DATA_DIR": tmp}, host="127.0.0.1", port=0)
        await cli._migrate(settings)
        await cli._seed_demo(settings)
        db = Database(settings.database_url)
        now = utcnow()
        async with db.transaction() as tx:
            shop_id = await tx.session.scalar(select(Shop.id))
            visitors = [
                {"shop_id": shop_id, "token_hash": f"bench{i}", "name": f"访客{i}"}
                for i in range(chats)
            ]
            await tx.session.execute(insert(Visitor), visitors)
            ids = list(await tx.session.scalars(select(Visitor.id)))
            # Half waiting for a person for 30 s, half served and owed an answer for 10 s:
            # clocks running, none due yet (the usual state of a busy queue).
            rows = [
                {
                    "shop_id": shop_id,
                    "visitor_id": visitor_id,
                    "status": "assigned" if i % 2 else "queued",
                    "queued_at": now - timedelta(seconds=30),
                    "assigned_at": now - timedelta(seconds=20) if i % 2 else None,
                    "awaiting_since": now - timedelta(seconds=10),
                }
                for i, visitor_id in enumerate(ids)
            ]
            await tx.session.execute(insert(Conversation), rows)
        await DueChats().scan(db, utcnow())  # warm: statement caches, policies
        started = time.process_time()
        for _ in range(ticks):
            await DueChats().scan(db, utcnow())
        first = (time.process_time() - started) / ticks * 1000
        watch = DueChats()
        await watch.scan(db, utcnow())
        started = time.process_time()
        for _ in range(ticks):
            await watch.scan(db, utcnow())
        later = (time.process_time() - started) / ticks * 1000
        await db.dispose()
        firing = await _alert_cost(settings.database_url, now)
        return first, later, firing


async def _count(db: Database) -> int:
    async with db.transaction() as tx:
        return len(list(await tx.session.scalars(select(Conversation.id))))


async def _alert_cost(database_url: str, now: datetime) -> float:
    """CPU ms per alert fired, every chat's clocks well past their breach."""
    db = Database(database_url, Dispatcher(), before_commit=write_outbox)
    async with db.transaction() as tx:
        agent_id = await tx.session.scalar(select(Agent.id).limit(1))
        served = update(Conversation).where(Conversation.status == "assigned")
        await tx.session.execute(served.values(agent_id=agent_id))
        await tx.session.execute(
            update(Conversation).values(
                queued_at=now - timedelta(hours=1),
                assigned_at=now - timedelta(hours=1),
                awaiting_since=now - timedelta(minutes=30),
            )
        )

    async def nobody_connected(_agent_id: int) -> bool:
        return False  # nobody to hand a chat on to: only alerts

    watch = SlaWatch(db, SlaActions(db, nobody_connected), SoleProcess(), tick_seconds=0)
    started = time.process_time()
    fired = await watch.run_once(utcnow())
    chats = await _count(db)
    # A warning and a breach each (queued: the queue's clock; served: the response clock).
    assert fired == 2 * chats, f"{fired} alerts fired for {chats} overdue chats"
    cost = (time.process_time() - started) / fired * 1000
    await db.dispose()
    return cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--ticks", type=int, default=20)
    args = parser.parse_args()
    first, later, firing = asyncio.run(measure(args.chats, args.ticks))
    print(
        f"SLA watch tick with {args.chats} open chats: first {first:.1f} ms of CPU, "
        f"later {later:.1f} ms; {firing:.2f} ms of CPU an alert fired"
    )


if __name__ == "__main__":
    main()

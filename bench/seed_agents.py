"""Opens the demo shop round the clock and creates the bench agents bench0…bench{N-1} (password bench123) in the demo shop, in one
process and one transaction: `python -m chatserver create-agent` once per agent starts Python
N times (about 3 s each here), which made a 100-agent setup take minutes.

Run with cwd = the checkout under test and DATABASE_URL set, after `seed-demo`:
`python bench/seed_agents.py N SEATS`.
"""

from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy import select

from chatserver.db.engine import Database
from chatserver.db.hours import ShopHours
from chatserver.db.models import Shop
from chatserver.domain.business_hours import WEEKDAYS
from chatserver.services.auth import create_agent, hash_password


async def seed(count: int, seats: int) -> None:
    db = Database(os.environ["DATABASE_URL"])
    hashed = hash_password("bench123")  # one hash for all: argon2 is slow on purpose
    try:
        async with db.transaction() as tx:
            shop = await tx.session.scalar(select(Shop).where(Shop.slug == "demo"))
            if shop is None:
                sys.exit("no demo shop: run `python -m chatserver seed-demo` first")
            # Open round the clock: at night the demo shop's hours would send every handoff
            # to leave-a-message instead of an agent.
            whole_day = [{"start": "00:00", "end": "24:00"}]
            week = {"time_zone": "UTC", "weekly": {day: whole_day for day in WEEKDAYS}}
            await tx.session.merge(ShopHours(shop_id=shop.id, settings=week))
            for index in range(count):
                await create_agent(
                    tx.session,
                    shop=shop,
                    username=f"bench{index}",
                    password="bench123",
                    name=f"客服{index}",
                    max_chats=seats,
                    hashed=hashed,
                )
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(seed(int(sys.argv[1]), int(sys.argv[2])))

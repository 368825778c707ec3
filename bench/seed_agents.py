"""Opens the demo shop round the clock and creates the bench agents bench0…bench{N-1} (password bench123) in the demo shop, in one
process and one transaction: `python -m chatserver create-agent` once per agent starts Python
N times (about 3 s each here), which made a 100-agent setup take minutes.

Run with cwd = the checkout under test and DATABASE_URL set, after `seed-demo`:
`python bench/seed_agents.py N SEATS [SHOP …]`. With shops named (each seeded before, e.g. by
`seed-demo` with CHATSERVER_DEMO_SHOP=SHOP), each gets N agents, numbered on: the first shop
bench0…bench{N-1}, the second bench{N}…bench{2N-1}, and so on.
"""

from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.hours import ShopHours
from chatserver.db.models import Shop
from chatserver.domain.business_hours import WEEKDAYS
from chatserver.services.auth import create_agent, hash_password


async def seed(count: int, seats: int, slugs: list[str]) -> None:
    db = Database(os.environ["DATABASE_URL"])
    hashed = hash_password("bench123")  # one hash for all: argon2 is slow on purpose
    try:
        async with db.transaction() as tx:
            for number, slug in enumerate(slugs):
                shop = await tx.session.scalar(select(Shop).where(Shop.slug == slug))
                if shop is None:
                    sys.exit(f"no shop {slug}: run `python -m chatserver seed-demo` first")
                numbers = range(number * count, (number + 1) * count)
                await seed_shop(tx.session, shop, numbers, seats, hashed)
    finally:
        await db.dispose()


async def seed_shop(
    session: AsyncSession, shop: Shop, numbers: range, seats: int, hashed: str
) -> None:
    # Open round the clock: at night the shop's hours would send every handoff to
    # leave-a-message instead of an agent.
    whole_day = [{"start": "00:00", "end": "24:00"}]
    week = {"time_zone": "UTC", "weekly": {day: whole_day for day in WEEKDAYS}}
    await session.merge(ShopHours(shop_id=shop.id, settings=week))
    for index in numbers:
        await create_agent(
            session,
            shop=shop,
            username=f"bench{index}",
            password="bench123",
            name=f"客服{index}",
            max_chats=seats,
            hashed=hashed,
        )


if __name__ == "__main__":
    asyncio.run(seed(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:] or ["demo"]))

"""Shops with the default FAQ and standard phrases, and the demo shop with its demo logins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.db.engine import Database
from chatserver.db.models import Agent, FaqEntry, Group, Phrase, Shop
from chatserver.domain.greeting import DEFAULT_GREETING
from chatserver.domain.groups import DEFAULT_GROUPS
from chatserver.services.auth import create_agent
from faq import load_default_faq

DEMO_SHOP_NAME = "鹿鸣衣橱"
DEMO_AGENT = ("agent", "agent123", "小美", "agent")
DEMO_ADMIN = ("admin", "admin123", "店长", "admin")

# Standard phrases (常用语): greeting, stock, size, discount, waiting, farewell (manual 000),
# as (category, title, shortcut typed after `/`, text).
DEFAULT_PHRASES: tuple[tuple[str, str, str, str], ...] = (
    (
        "问候",
        "欢迎",
        "hy",
        "您好，欢迎光临{shop}！我是客服{agent}，很高兴为您服务，请问有什么可以帮您？",
    ),
    ("问候", "稍等", "sd", "好的，请您稍等一下，我马上为您查询。"),
    ("问候", "久等", "jd", "让您久等了，非常抱歉！"),
    ("售前", "有货", "yh", "您好，这款目前有现货，今天下单 48 小时内就能为您发出。"),
    (
        "售前",
        "缺货",
        "qh",
        "非常抱歉，这个颜色/尺码暂时缺货，预计一周左右补货，您可以先收藏，到货后第一时间通知您。",
    ),
    (
        "售前",
        "尺码建议",
        "cm",
        "方便告诉我您的身高、体重和平时穿的尺码吗？我帮您推荐最合适的尺码。",
    ),
    (
        "售前",
        "优惠",
        "yhq",
        "目前店铺满 199 元减 20 元，领券后下单更划算，优惠券在商品页面就能领取。",
    ),
    ("售前", "包邮", "by", "本店全场满 99 元包邮（偏远地区除外），默认发中通或圆通。"),
    ("物流", "顺丰", "sf", "可以为您改发顺丰，需要补 10 元运费差价，请拍下后联系我备注一下。"),
    ("物流", "查物流", "wl", "请您提供一下订单号，我马上帮您查询物流进度。"),
    (
        "售后",
        "退换货",
        "th",
        "本店支持 7 天无理由退换货，商品不影响二次销售即可，您在订单页面申请就可以。",
    ),
    (
        "售后",
        "质量问题",
        "zl",
        "非常抱歉给您添麻烦了！麻烦您拍几张问题部位的照片发给我，我们核实后马上为您处理。",
    ),
    ("售后", "退款时效", "tk", "我们收到退货并确认后，会在 1-2 个工作日内为您办理退款，原路退回。"),
    ("结束", "道别", "db", "感谢您的光临，祝您购物愉快！如果还有任何问题，欢迎随时来找我们。"),
)


@dataclass(frozen=True)
class SeedReport:
    shop_created: bool
    agents_created: list[str]


async def ensure_shop(
    session: AsyncSession, slug: str, name: str | None = None
) -> tuple[Shop, bool]:
    """The shop with this slug; a new one starts with the default FAQ and standard phrases."""
    shop = await session.scalar(select(Shop).where(Shop.slug == slug))
    if shop is not None:
        return shop, False
    shop = Shop(slug=slug, name=name or slug, greeting_template=DEFAULT_GREETING)
    session.add(shop)
    await session.flush()
    for entry in load_default_faq():
        session.add(
            FaqEntry(
                shop_id=shop.id,
                key=entry.id,
                question=entry.question,
                similar=list(entry.similar),
                answer=entry.answer,
                category=entry.category,
                enabled=entry.enabled,
            )
        )
    for group_name, topic in DEFAULT_GROUPS:
        session.add(Group(shop_id=shop.id, name=group_name, topic=topic))
    for category, title, shortcut, text in DEFAULT_PHRASES:
        session.add(
            Phrase(shop_id=shop.id, title=title, text=text, category=category, shortcut=shortcut)
        )
    await session.flush()
    return shop, True


async def seed_demo(db: Database, slug: str = "demo") -> SeedReport:
    async with db.transaction() as tx:
        shop, created = await ensure_shop(tx.session, slug, DEMO_SHOP_NAME)
        agents_created = []
        for username, password, name, role in (DEMO_AGENT, DEMO_ADMIN):
            exists = await tx.session.scalar(select(Agent.id).where(Agent.username == username))
            if exists is None:
                await create_agent(
                    tx.session,
                    shop=shop,
                    username=username,
                    password=password,
                    name=name,
                    role=role,
                )
                agents_created.append(username)
        return SeedReport(created, agents_created)

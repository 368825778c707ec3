"""The command line: run, migrate, create-agent, seed-demo, copy-media. Every command migrates
first."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from chatserver.config import ConfigError, Settings, load_settings
from chatserver.domain.staff import ROLE_LABELS
from chatserver.errors import AppError

SHUTDOWN_SECONDS = 5.0


def _event_loop(settings: Settings) -> asyncio.AbstractEventLoop:
    """uvloop where asked for and installed (Windows has none), else the standard loop."""
    if settings.event_loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            logging.getLogger(__name__).info("uvloop is not installed: the standard event loop")
        else:
            return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chatserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="apply migrations and start the server")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    commands.add_parser("migrate", help="bring the database schema up to date")
    roles = "，".join(f"{role}={label}" for role, label in ROLE_LABELS.items())
    agent = commands.add_parser(
        "create-agent",
        help=f"创建客服账号（角色：{roles}）",
        description="创建客服、主管或管理员账号",
    )
    agent.add_argument("--username", required=True, help="登录用户名")
    agent.add_argument("--password", required=True, help="密码（至少 6 个字符）")
    agent.add_argument("--name", required=True, help="显示给顾客的名字，例如 小美")
    agent.add_argument(
        "--role", choices=list(ROLE_LABELS), default="agent", help=f"角色：{roles}（默认 客服）"
    )
    agent.add_argument("--shop", default="demo", help="店铺代号（slug）；不存在时新建")
    agent.add_argument(
        "--shop-name", help="新店铺的真实名称（顾客会在欢迎语里看到），新建店铺时必填"
    )
    agent.add_argument("--max-chats", type=int, default=5, help="同时接待上限（默认 5）")
    commands.add_parser("seed-demo", help="create the demo shop, its FAQ and the demo logins")
    commands.add_parser(
        "copy-media",
        help="copy the photos under CHATSERVER_DATA_DIR/media into the database "
        "(before switching to CHATSERVER_MEDIA_STORE=database with several processes)",
    )
    return parser


async def _copy_media(settings: Settings) -> str:
    from chatserver.db.engine import Database
    from chatserver.services.media_store import DatabaseMediaStore, LocalMediaStore

    db = Database(settings.database_url)
    try:
        copied = await DatabaseMediaStore(db).copy_in(LocalMediaStore(settings.data_dir / "media"))
    finally:
        await db.dispose()
    return f"已将 {copied} 个图片文件复制到数据库"


async def _migrate(settings: Settings) -> None:
    from chatserver.db.migrate import upgrade

    await upgrade(settings.database_url)


async def _create_agent(settings: Settings, args: argparse.Namespace) -> str:
    from sqlalchemy import select

    from chatserver.db.engine import Database
    from chatserver.db.models import Shop
    from chatserver.domain import staff
    from chatserver.seed import ensure_shop
    from chatserver.services.auth import create_agent

    db = Database(settings.database_url)
    try:
        # The account's fields first: a typo there is reported before the shop question.
        staff.clean_username(args.username)
        staff.clean_password(args.password)
        staff.clean_display_name(args.name)
        staff.clean_max_chats(args.max_chats)
        async with db.transaction() as tx:
            exists = await tx.session.scalar(select(Shop.id).where(Shop.slug == args.shop))
            shop_name = (args.shop_name or "").strip()
            if exists is None and not shop_name:
                raise AppError(
                    "invalid_payload",
                    f"店铺 {args.shop} 还不存在。新建店铺请用 --shop-name 提供店铺的真实名称"
                    "（顾客会在欢迎语里看到）",
                )
            shop, _created = await ensure_shop(tx.session, args.shop, shop_name or None)
            agent = await create_agent(
                tx.session,
                shop=shop,
                username=args.username,
                password=args.password,
                name=args.name,
                role=args.role,
                max_chats=args.max_chats,
            )
            label = ROLE_LABELS.get(agent.role, agent.role)
            return (
                f"已创建{label} {agent.username}（{agent.name}），店铺 {shop.name}（{shop.slug}）"
            )
    finally:
        await db.dispose()


async def _seed_demo(settings: Settings) -> str:
    from chatserver.db.engine import Database
    from chatserver.seed import seed_demo

    db = Database(settings.database_url)
    try:
        report = await seed_demo(db, settings.demo_shop)
    finally:
        await db.dispose()
    made = ", ".join(report.agents_created) or "无新账号"
    return f"演示店铺 {settings.demo_shop}：{'已创建' if report.shop_created else '已存在'}；新账号：{made}"


async def _demo_logins(settings: Settings) -> tuple[bool, dict[str, str]]:
    """Whether the demo shop exists, and which of `seed-demo`'s logins still work in it
    (username → password): a shop named like the demo one (`create-agent` defaults to it) or
    a changed password must not be advertised."""
    from sqlalchemy import select

    from chatserver.db.engine import Database
    from chatserver.db.models import Agent, Shop
    from chatserver.seed import DEMO_ADMIN, DEMO_AGENT
    from chatserver.services.auth import verify_password

    db = Database(settings.database_url)
    logins: dict[str, str] = {}
    try:
        async with db.sessions() as session:
            shop_id = await session.scalar(select(Shop.id).where(Shop.slug == settings.demo_shop))
            for username, password, *_rest in (DEMO_AGENT, DEMO_ADMIN) if shop_id else ():
                account = await session.scalar(
                    select(Agent).where(
                        Agent.username == username,
                        Agent.shop_id == shop_id,
                        Agent.disabled_at.is_(None),
                    )
                )
                if account is not None and verify_password(account.password_hash, password):
                    logins[username] = password
    finally:
        await db.dispose()
    return shop_id is not None, logins


def _print_urls(settings: Settings, *, demo_shop: bool, logins: dict[str, str]) -> None:
    """Where to go; the demo page and the demo logins only where `seed-demo` made them (a
    production process started by the Procfile has neither)."""
    from chatserver.seed import DEMO_ADMIN, DEMO_AGENT

    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}"

    def login(username: str) -> str:
        password = logins.get(username)
        return f"   登录 {username} / {password}" if password else ""

    pages = f"  演示店铺（顾客窗口）: {base}/demo/\n" if demo_shop else ""
    pages += (
        f"  客服工作台:          {base}/agent/{login(DEMO_AGENT[0])}\n"
        f"  管理后台:            {base}/admin/{login(DEMO_ADMIN[0])}\n"
    )
    if not demo_shop:
        pages += "  （尚无演示店铺：python -m chatserver seed-demo 可创建演示店铺和演示账号）\n"
    print(
        "\nchatserver 已启动\n" + pages + f"  健康检查:            {base}/healthz\n"
        # Someone trying the demo at night would otherwise meet only the 留言 form and wonder.
        "  客服按店铺营业时间接待（默认每天 09:00–23:00 北京时间）；其余时间顾客看到留言表单，\n"
        "  可在管理后台「营业时间」修改\n",
        flush=True,
    )


def _print_urls_when_started(settings: Settings) -> None:
    try:
        demo_shop, logins = asyncio.run(_demo_logins(settings))
    except Exception:
        # The banner is a courtesy: a database hiccup here must not keep the server down.
        logging.getLogger(__name__).warning("could not look up the demo shop", exc_info=True)
        demo_shop, logins = False, {}
    _print_urls(settings, demo_shop=demo_shop, logins=logins)


def _raise_open_file_limit() -> None:
    """Every shopper's websocket is an open file: 10,000 shoppers need more than the usual
    soft limit of 1,024. Raise it to the hard limit (the Procfile raises that where it may)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):  # a hard limit the system will not grant as soft
            return
    if hard != resource.RLIM_INFINITY and hard < 16_384:
        logging.getLogger(__name__).warning(
            "open file limit %s: each websocket takes one; raise it (ulimit -n) for more", hard
        )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load_settings(host=getattr(args, "host", None), port=getattr(args, "port", None))
    except ConfigError as error:
        print(f"配置错误: {error}", file=sys.stderr)
        return 1
    try:
        asyncio.run(_migrate(settings))
        if args.command == "migrate":
            print("数据库已是最新结构")
        elif args.command == "create-agent":
            print(asyncio.run(_create_agent(settings, args)))
        elif args.command == "seed-demo":
            print(asyncio.run(_seed_demo(settings)))
        elif args.command == "copy-media":
            print(asyncio.run(_copy_media(settings)))
        elif args.command == "run":
            from aiohttp import web

            from chatserver.api.uploads import AccessLogWithoutMediaSignatures
            from chatserver.app import build_app
            from chatserver.heap import freeze_startup_heap, tune_collector

            _raise_open_file_limit()
            tune_collector()
            app = build_app(settings)
            # After the app's own start-up (FAQ indexes warmed): what it built lives for good.
            app.on_startup.append(freeze_startup_heap)
            _print_urls_when_started(settings)
            web.run_app(
                app,
                loop=_event_loop(settings),
                host=settings.host,
                port=settings.port,
                print=None,
                # Sockets are closed at shutdown; what is left gets this long to finish.
                shutdown_timeout=SHUTDOWN_SECONDS,
                access_log_class=AccessLogWithoutMediaSignatures,
            )
    except AppError as error:
        print(f"错误: {error.message}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"错误: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

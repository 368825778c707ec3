"""The command line: run, migrate, create-agent, seed-demo. Every command migrates first."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from chatserver.config import ConfigError, Settings, load_settings
from chatserver.errors import AppError

SHUTDOWN_SECONDS = 5.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chatserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="apply migrations and start the server")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    commands.add_parser("migrate", help="bring the database schema up to date")
    agent = commands.add_parser("create-agent", help="create an agent, supervisor or admin")
    agent.add_argument("--username", required=True)
    agent.add_argument("--password", required=True)
    agent.add_argument("--name", required=True)
    agent.add_argument("--role", choices=["agent", "supervisor", "admin"], default="agent")
    agent.add_argument("--shop", default="demo", help="shop slug (created when missing)")
    agent.add_argument("--max-chats", type=int, default=5)
    commands.add_parser("seed-demo", help="create the demo shop, its FAQ and the demo logins")
    return parser


async def _migrate(settings: Settings) -> None:
    from chatserver.db.migrate import upgrade

    await upgrade(settings.database_url)


async def _create_agent(settings: Settings, args: argparse.Namespace) -> str:
    from chatserver.db.engine import Database
    from chatserver.seed import ensure_shop
    from chatserver.services.auth import create_agent

    db = Database(settings.database_url)
    try:
        async with db.transaction() as tx:
            shop, _created = await ensure_shop(tx.session, args.shop)
            agent = await create_agent(
                tx.session,
                shop=shop,
                username=args.username,
                password=args.password,
                name=args.name,
                role=args.role,
                max_chats=args.max_chats,
            )
            return f"已创建{agent.role} {agent.username}（{agent.name}），店铺 {shop.slug}"
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


def _print_urls(settings: Settings) -> None:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}"
    print(
        "\nchatserver 已启动\n"
        f"  演示店铺（顾客窗口）: {base}/demo/\n"
        f"  客服工作台:          {base}/agent/   登录 agent / agent123\n"
        f"  管理后台:            {base}/admin/   登录 admin / admin123\n"
        f"  健康检查:            {base}/healthz\n",
        flush=True,
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
        elif args.command == "run":
            from aiohttp import web

            from chatserver.api.uploads import AccessLogWithoutMediaSignatures
            from chatserver.app import build_app

            app = build_app(settings)
            _print_urls(settings)
            web.run_app(
                app,
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

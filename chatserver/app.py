"""build_app(settings): the aiohttp application with Socket.IO, REST routes and lifecycle."""

from __future__ import annotations

import logging

import socketio
from aiohttp import web

from chatserver.api import auth as auth_api
from chatserver.api import catalog as catalog_api
from chatserver.api import conversations as conversations_api
from chatserver.api import health as health_api
from chatserver.api import static as static_api
from chatserver.api.common import HUB_KEY, error_middleware
from chatserver.config import Settings
from chatserver.db.engine import Database
from chatserver.realtime.agent import AgentNamespace
from chatserver.realtime.connection import cancel_pending
from chatserver.realtime.notify import SocketNotifier
from chatserver.realtime.visitor import VisitorNamespace
from chatserver.services.hub import Hub

log = logging.getLogger(__name__)

SIO_KEY = web.AppKey("sio", socketio.AsyncServer)


def build_sio(settings: Settings) -> socketio.AsyncServer:
    manager = (
        socketio.AsyncRedisManager(settings.redis_url, channel=settings.redis_channel)
        if settings.redis_url is not None
        else None
    )
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        # The widget runs in an iframe served by us, so same-origin is all we need.
        cors_allowed_origins=None,
        max_http_buffer_size=256 * 1024,
        logger=False,
        engineio_logger=False,
    )


def build_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=256 * 1024)
    db = Database(settings.database_url)
    sio = build_sio(settings)
    hub = Hub(settings, db, SocketNotifier(sio))
    app[HUB_KEY] = hub
    app[SIO_KEY] = sio
    sio.register_namespace(VisitorNamespace(hub))
    sio.register_namespace(AgentNamespace(hub))
    sio.attach(app)

    health_api.add_routes(app)
    auth_api.add_routes(app)
    conversations_api.add_routes(app)
    catalog_api.add_routes(app)
    static_api.add_routes(app)

    async def on_startup(_app: web.Application) -> None:
        # Load jieba's dictionary now rather than on the first shopper's question.
        from sqlalchemy import select

        from chatserver.db.models import Shop

        async with db.sessions() as session:
            shop_ids = list(await session.scalars(select(Shop.id)))
        for shop_id in shop_ids[:20]:
            try:
                await hub.faq.match(shop_id, "发货")
            except Exception:
                # One shop's broken FAQ must not keep the server (and every other shop) down.
                log.exception("warming the FAQ index of shop %s failed", shop_id)
        await hub.presence.start()

    async def on_cleanup(_app: web.Application) -> None:
        await cancel_pending()
        await hub.presence.shutdown()
        await hub.conversations.drain()
        await db.dispose()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app

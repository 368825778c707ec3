"""build_app(settings): the aiohttp application with Socket.IO, REST routes and lifecycle."""

from __future__ import annotations

import asyncio
import logging

import socketio
from aiohttp import web

from chatserver.actions.service_hours import Clock
from chatserver.api import auth as auth_api
from chatserver.api import blocks as blocks_api
from chatserver.api import business_hours as business_hours_api
from chatserver.api import catalog as catalog_api
from chatserver.api import complaints as complaints_api
from chatserver.api import conversations as conversations_api
from chatserver.api import handovers as handovers_api
from chatserver.api import health as health_api
from chatserver.api import integrations as integrations_api
from chatserver.api import learning as learning_api
from chatserver.api import live as live_api
from chatserver.api import openapi as openapi_api
from chatserver.api import politeness as politeness_api
from chatserver.api import ratings as ratings_api
from chatserver.api import reports as reports_api
from chatserver.api import sla as sla_api
from chatserver.api import staff as staff_api
from chatserver.api import static as static_api
from chatserver.api import team as team_api
from chatserver.api import uploads as uploads_api
from chatserver.api import webhooks as webhooks_api
from chatserver.api import widget_setup as widget_setup_api
from chatserver.api.common import COMPONENTS, error_middleware
from chatserver.config import Settings
from chatserver.db.base import utcnow
from chatserver.realtime.connection import cancel_pending
from chatserver.realtime.rooms import RoomIndexedManager, RoomIndexedRedisManager
from chatserver.realtime.server import ContractServer
from chatserver.realtime.transport import without_deflate
from chatserver.wiring import build_components

log = logging.getLogger(__name__)

SIO_KEY = web.AppKey("sio", socketio.AsyncServer)
SHUTDOWN_DRAIN_SECONDS = 5.0


def build_sio(settings: Settings) -> socketio.AsyncServer:
    # Either manager indexes each socket's rooms: a disconnect no longer scans every room.
    manager = (
        RoomIndexedRedisManager(settings.redis_url, channel=settings.redis_channel)
        if settings.redis_url is not None
        else RoomIndexedManager()
    )
    sio = ContractServer(
        async_mode="aiohttp",
        client_manager=manager,
        # The widget runs in an iframe served by us, so same-origin is all we need.
        cors_allowed_origins=None,
        max_http_buffer_size=256 * 1024,
        logger=False,
        engineio_logger=False,
    )
    # permessage-deflate would keep ~100 KiB of zlib state per idle shopper (transport.py).
    without_deflate(sio)
    return sio


def build_app(settings: Settings, *, clock: Clock = utcnow) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=256 * 1024)
    sio = build_sio(settings)
    parts = build_components(settings, sio, clock=clock)
    db = parts.db
    app[COMPONENTS] = parts
    app[SIO_KEY] = sio
    sio.attach(app)

    health_api.add_routes(app)
    auth_api.add_routes(app)
    conversations_api.add_routes(app)
    learning_api.add_routes(app)
    catalog_api.add_routes(app)
    ratings_api.add_routes(app)
    reports_api.add_routes(app)
    politeness_api.add_routes(app)
    widget_setup_api.add_routes(app)
    uploads_api.add_routes(app)
    blocks_api.add_routes(app)
    complaints_api.add_routes(app)
    integrations_api.add_routes(app)
    webhooks_api.add_routes(app)
    sla_api.add_routes(app)
    business_hours_api.add_routes(app)
    handovers_api.add_routes(app)
    team_api.add_routes(app)
    staff_api.add_routes(app)
    live_api.add_routes(app)
    openapi_api.add_routes(app)
    static_api.add_routes(app)

    async def on_startup(_app: web.Application) -> None:
        # Load jieba's dictionary now rather than on the first shopper's question.
        from sqlalchemy import select

        from chatserver.db.models import Shop

        async with db.sessions() as session:
            shop_ids = list(await session.scalars(select(Shop.id)))
        for shop_id in shop_ids[:20]:
            try:
                await parts.faq.match(shop_id, "发货")
            except Exception:
                # One shop's broken FAQ must not keep the server (and every other shop) down.
                log.exception("warming the FAQ index of shop %s failed", shop_id)
        await parts.presence.start()
        parts.queue_board.start()
        parts.webhook_sender.start()
        parts.sla_watch.start()
        parts.upload_sweep.start()

    async def on_cleanup(_app: web.Application) -> None:
        await cancel_pending()
        await parts.presence.shutdown()
        await parts.queue_board.stop()
        await parts.webhook_sender.stop()
        await parts.sla_watch.stop()
        await parts.upload_sweep.stop()
        # Let listeners finish what was committed (bot replies, fan-out), then stop.
        try:
            await asyncio.wait_for(parts.dispatcher.drain(), SHUTDOWN_DRAIN_SECONDS)
        except TimeoutError:
            log.warning("listeners still busy at shutdown; stopping them")
        await parts.dispatcher.close()
        await db.dispose()

    async def on_shutdown(_app: web.Application) -> None:
        # Close every socket at the Engine.IO level: clients see a dropped transport and
        # reconnect (to another process, or this one restarted) instead of waiting on a
        # server that is going away. A Socket.IO-level disconnect would tell them not to.
        # wait=False: a socket whose peer is already gone would wait on its send queue.
        sockets = list(sio.eio.sockets.values())
        results = await asyncio.gather(
            *(socket.close(wait=False) for socket in sockets), return_exceptions=True
        )
        for result in results:
            if isinstance(result, Exception):
                log.warning("closing a socket at shutdown failed: %r", result)

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    return app

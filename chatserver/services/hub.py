"""The services of one server process, wired together once in app.py."""

from __future__ import annotations

from chatserver.config import Settings
from chatserver.db.engine import Database
from chatserver.services.auth import AuthService
from chatserver.services.bot import BotService
from chatserver.services.catalog import CatalogService
from chatserver.services.conversations import ConversationService
from chatserver.services.faq_registry import FaqRegistry
from chatserver.services.notifier import Notifier
from chatserver.services.presence import AgentPresence
from chatserver.services.presence_store import (
    LocalPresenceStore,
    PresenceStore,
    RedisPresenceStore,
)
from chatserver.services.queue import QueueService


class Hub:
    def __init__(self, settings: Settings, db: Database, notifier: Notifier) -> None:
        self.settings = settings
        self.db = db
        self.notifier = notifier
        self.demo_shop = settings.demo_shop
        self.auth = AuthService(db, settings.secret_key)
        self.faq = FaqRegistry(db)
        self.conversations = ConversationService(self)
        self.queue = QueueService(self)
        self.bot = BotService(self)
        store: PresenceStore = (
            RedisPresenceStore(settings.redis_url, f"{settings.redis_channel}:presence")
            if settings.redis_url is not None
            else LocalPresenceStore()
        )
        self.presence = AgentPresence(self, settings.agent_grace_seconds, store)
        self.catalog = CatalogService(self)

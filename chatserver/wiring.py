"""Every piece of one server process, built once with what it uses, and the listeners wired.

This is the only module that knows all the pieces; none of them imports it. Reading
`build_components` top to bottom shows who depends on whom, and `_listen` who hears what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import socketio

from chatserver.actions.agents import AgentAvailability
from chatserver.actions.api_keys import ApiKeys
from chatserver.actions.assignment import Assignment
from chatserver.actions.blocks import Blocks
from chatserver.actions.bot import BotTurns
from chatserver.actions.bot_gaps import BotGaps
from chatserver.actions.business_hours import BusinessHours
from chatserver.actions.card_images import CardImages
from chatserver.actions.catalog import Catalog
from chatserver.actions.closing import Closing
from chatserver.actions.complaints import Complaints
from chatserver.actions.faq_files import FaqFiles
from chatserver.actions.focus import ChatFocus
from chatserver.actions.groups_admin import GroupsAdmin
from chatserver.actions.handoff import Handoff
from chatserver.actions.identity_secret import IdentitySecrets
from chatserver.actions.integration_messages import IntegrationMessages
from chatserver.actions.messages import ChatMessages
from chatserver.actions.notes import Notes
from chatserver.actions.photos import Photos
from chatserver.actions.politeness import Politeness
from chatserver.actions.proposals import Proposals
from chatserver.actions.ratings import Ratings
from chatserver.actions.read_state import ReadState
from chatserver.actions.service_hours import Clock
from chatserver.actions.shifts import Shifts
from chatserver.actions.shopper_context import ShopperContexts
from chatserver.actions.sla import SlaActions
from chatserver.actions.sla_policies import SlaPolicies
from chatserver.actions.staff import StaffAdmin
from chatserver.actions.supervision import Supervision
from chatserver.actions.transfers import Transfers
from chatserver.actions.typing import Typing
from chatserver.actions.visitor_session import VisitorSessions
from chatserver.actions.webhooks import Webhooks
from chatserver.actions.widget_settings import WidgetSettings
from chatserver.config import Settings
from chatserver.db.base import utcnow
from chatserver.db.engine import Database, is_unreachable
from chatserver.db.webhook_outbox import write_outbox
from chatserver.dispatch import Dispatcher
from chatserver.domain.upload_tickets import UploadTickets
from chatserver.listeners.bot import BotListener
from chatserver.listeners.card_images import CardImageFetcher
from chatserver.listeners.catalog import CatalogWatcher
from chatserver.listeners.learning import LearningListener
from chatserver.listeners.live_board import LiveBoard
from chatserver.listeners.queue_board import QueueBoard
from chatserver.listeners.sla_watch import SlaWatch
from chatserver.listeners.suggestions import Suggestions
from chatserver.listeners.upload_sweep import UnsentUploadSweep
from chatserver.listeners.webhooks import WebhookWaker
from chatserver.realtime.agent import AgentDesk, AgentNamespace
from chatserver.realtime.fanout import Fanout
from chatserver.realtime.supervisor import SupervisorDesk, SupervisorNamespace
from chatserver.realtime.visitor import VisitorNamespace
from chatserver.services.auth import AuthService
from chatserver.services.faq_registry import FaqRegistry
from chatserver.services.images import ImageWorkers
from chatserver.services.leader import Leadership, RedisLeadership, SoleProcess
from chatserver.services.media_store import DatabaseMediaStore, LocalMediaStore, MediaStore
from chatserver.services.presence import AgentPresence, has_live_connection, shows_chat
from chatserver.services.presence_store import (
    LocalPresenceStore,
    PresenceStore,
    RedisPresenceStore,
)
from chatserver.services.webhook_delivery import DeliverySettings, WebhookSender
from chatserver.views import media_links
from chatserver.views.blocks import BlockViews
from chatserver.views.complaints import ComplaintViews
from chatserver.views.conversations import ConversationViews
from chatserver.views.integrations import IntegrationViews
from chatserver.views.queue import QueueViews
from chatserver.views.ratings import RatingViews
from chatserver.views.reports import ReportViews
from chatserver.views.session import ShopperSessionView
from chatserver.views.shifts import ShiftViews
from chatserver.views.staff import StaffViews
from chatserver.views.supervision import SupervisionViews


@dataclass(frozen=True)
class Components:
    """What the REST handlers and the app's start and stop need."""

    db: Database
    dispatcher: Dispatcher
    auth: AuthService
    faq: FaqRegistry
    presence: AgentPresence
    queue_board: QueueBoard
    catalog: Catalog
    conversations: ConversationViews
    ratings: RatingViews
    reports: ReportViews
    politeness: Politeness
    identity_secrets: IdentitySecrets
    widget_settings: WidgetSettings
    photos: Photos
    media_store: MediaStore
    media_links: media_links.MediaLinks
    blocks: Blocks
    block_views: BlockViews
    complaints: Complaints
    complaint_views: ComplaintViews
    api_keys: ApiKeys
    webhooks: Webhooks
    webhook_sender: WebhookSender
    upload_sweep: UnsentUploadSweep
    integration_views: IntegrationViews
    integration_messages: IntegrationMessages
    bot_gaps: BotGaps
    proposals: Proposals
    faq_files: FaqFiles
    sla_watch: SlaWatch
    sla_policies: SlaPolicies
    business_hours: BusinessHours
    shifts: Shifts
    shift_views: ShiftViews
    staff_views: StaffViews
    staff_admin: StaffAdmin
    groups_admin: GroupsAdmin
    supervision_views: SupervisionViews


def build_components(
    settings: Settings, sio: socketio.AsyncServer, *, clock: Clock = utcnow
) -> Components:
    """`clock`: the service clock business hours are read with (tests move it)."""
    # A listener cut off by a database restart runs again (the bot still answers).
    dispatcher = Dispatcher(retry_when=is_unreachable)
    # The webhook outbox is written in the same transaction as the facts it tells of.
    db = Database(settings.database_url, dispatcher, before_commit=write_outbox)
    auth = AuthService(db, settings.secret_key)
    faq = FaqRegistry(db)
    # Photos: signed URLs are minted wherever a message is serialized (views/media_links.py).
    links = media_links.MediaLinks(settings.secret_key)
    media_links.install(links)
    local_media = LocalMediaStore(settings.data_dir / "media")
    media_store: MediaStore = (
        DatabaseMediaStore(db, earlier=local_media)
        if settings.media_store == "database"
        else local_media
    )
    # One pool of decoding threads for photos and card images: the cores are shared.
    image_workers = ImageWorkers()
    # Only a socket let in for its visitor gets an upload ticket (views/session.py).
    tickets = UploadTickets(settings.secret_key)
    photos = Photos(db, media_store, image_workers, links, auth.digest, tickets)
    upload_sweep = UnsentUploadSweep(photos, keep=timedelta(hours=settings.unsent_upload_hours))

    conversations = ConversationViews(db)
    queue = QueueViews(db)
    session_view = ShopperSessionView(db, queue, tickets)

    store: PresenceStore = (
        RedisPresenceStore(settings.redis_url, f"{settings.redis_channel}:presence")
        if settings.redis_url is not None
        else LocalPresenceStore()
    )
    # The supervisors' live views, by login session (closed at logout like the panels).
    view_store: PresenceStore = (
        RedisPresenceStore(settings.redis_url, f"{settings.redis_channel}:live-views")
        if settings.redis_url is not None
        else LocalPresenceStore()
    )
    connected = partial(has_live_connection, store)
    assignment = Assignment(db, connected)
    availability = AgentAvailability(db, assignment)
    messages = ChatMessages(db, clock)
    typing = Typing(db, dispatcher)
    closing = Closing(db)
    catalog = Catalog(db, faq)
    bot_gaps = BotGaps(db, catalog)
    proposals = Proposals(db, faq, catalog)
    politeness = Politeness(db)
    read_state = ReadState(db)
    blocks = Blocks(db)
    complaints = Complaints(db)
    shifts = Shifts(db)
    widget_settings = WidgetSettings(db, settings.demo_shop)

    fanout = Fanout(sio)
    suggestions = Suggestions(faq, conversations, dispatcher, partial(shows_chat, store))
    presence = AgentPresence(
        db,
        store,
        grace_seconds=settings.agent_grace_seconds,
        came_back=availability.do_come_online,
        gone=assignment.do_release_agent,
        close_sockets=fanout.disconnect_agent_sockets,
        views=view_store,
        close_views=fanout.disconnect_supervisor_sockets,
    )

    # Who hears what. The fan-out first: listeners run side by side, but a reader of this
    # list should meet the audience before the side effects.
    fanout.subscribe(dispatcher)
    BotListener(BotTurns(db, faq, clock)).subscribe(dispatcher)
    queue_board = QueueBoard(assignment, queue, dispatcher)
    queue_board.subscribe(dispatcher)
    suggestions.subscribe(dispatcher)
    CatalogWatcher(faq).subscribe(dispatcher)
    webhook_sender = WebhookSender(
        db,
        DeliverySettings(
            allow_private=settings.webhooks_allow_private,
            retry_base_seconds=settings.webhook_retry_seconds,
            give_up_after=timedelta(seconds=settings.webhook_give_up_seconds),
            poll_seconds=settings.webhook_poll_seconds,
        ),
    )
    WebhookWaker(webhook_sender).subscribe(dispatcher)
    CardImageFetcher(
        CardImages(
            db,
            media_store,
            image_workers,
            allow_private=settings.card_images_allow_private,
        )
    ).subscribe(dispatcher)
    LearningListener(bot_gaps, proposals).subscribe(dispatcher)
    supervision_views = SupervisionViews(db, connected)
    LiveBoard(supervision_views, dispatcher, presence.shop_has_live_view).subscribe(dispatcher)
    transfers = Transfers(db, connected)
    # The SLA timers: with Redis one process leads; its lock outlives a few missed ticks.
    leader: Leadership = (
        RedisLeadership(
            settings.redis_url,
            f"{settings.redis_channel}:sla-leader",
            ttl_seconds=max(3.0, 5 * settings.sla_tick_seconds),
        )
        if settings.redis_url is not None
        else SoleProcess()
    )
    sla_watch = SlaWatch(
        db, SlaActions(db, connected), leader, tick_seconds=settings.sla_tick_seconds
    )

    sio.register_namespace(
        VisitorNamespace(
            VisitorSessions(db, auth.digest, settings.demo_shop, queue),
            session_view,
            messages,
            Handoff(db, queue, clock),
            typing,
            Ratings(db),
            read_state,
            ShopperContexts(db),
            widget_settings,
        )
    )
    sio.register_namespace(
        AgentNamespace(
            AgentDesk(
                auth=auth,
                presence=presence,
                availability=availability,
                assignment=assignment,
                messages=messages,
                closing=closing,
                typing=typing,
                conversations=conversations,
                queue=queue,
                suggestions=suggestions,
                notes=Notes(db),
                politeness=politeness,
                read_state=read_state,
                blocks=blocks,
                complaints=complaints,
                transfers=transfers,
                shifts=shifts,
                focus=ChatFocus(db, dispatcher, presence.focus),
            )
        )
    )
    sio.register_namespace(
        SupervisorNamespace(
            SupervisorDesk(
                auth=auth,
                presence=presence,
                supervision=Supervision(db, transfers, connected),
                views=supervision_views,
                conversations=conversations,
            )
        )
    )
    return Components(
        db=db,
        dispatcher=dispatcher,
        auth=auth,
        faq=faq,
        presence=presence,
        queue_board=queue_board,
        catalog=catalog,
        conversations=conversations,
        ratings=RatingViews(db),
        reports=ReportViews(db),
        politeness=politeness,
        identity_secrets=IdentitySecrets(db),
        widget_settings=widget_settings,
        photos=photos,
        media_store=media_store,
        media_links=links,
        blocks=blocks,
        block_views=BlockViews(db),
        complaints=complaints,
        complaint_views=ComplaintViews(db),
        api_keys=ApiKeys(db, auth),
        webhooks=Webhooks(db, allow_private=settings.webhooks_allow_private),
        webhook_sender=webhook_sender,
        upload_sweep=upload_sweep,
        integration_views=IntegrationViews(db),
        integration_messages=IntegrationMessages(db, messages),
        bot_gaps=bot_gaps,
        proposals=proposals,
        faq_files=FaqFiles(db, catalog),
        sla_watch=sla_watch,
        sla_policies=SlaPolicies(db),
        business_hours=BusinessHours(db, clock),
        shifts=shifts,
        shift_views=ShiftViews(db),
        staff_views=StaffViews(db),
        staff_admin=StaffAdmin(db),
        groups_admin=GroupsAdmin(db),
        supervision_views=supervision_views,
    )

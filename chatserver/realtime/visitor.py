"""Namespace /visitor: the shopper's widget. Thin: parse the payload, call the action, ack."""

from __future__ import annotations

import logging
import time
from typing import Any

import socketio

from chatserver.actions.handoff import Handoff
from chatserver.actions.messages import ChatMessages
from chatserver.actions.ratings import Ratings
from chatserver.actions.read_state import ReadState
from chatserver.actions.shopper_context import ShopperContexts
from chatserver.actions.typing import Typing
from chatserver.actions.visitor_session import VisitorContext, VisitorSessions
from chatserver.actions.widget_settings import WidgetSettings
from chatserver.commands.base import parse
from chatserver.commands.chat import HandoffRequest, VisitorMessage, VisitorTyping
from chatserver.commands.leave_message import LeaveMessage
from chatserver.commands.ratings import RateService
from chatserver.commands.read_state import VisitorRead
from chatserver.domain.identity import parse_identity
from chatserver.domain.ratelimit import (
    TokenBucket,
    blocked_shopper_messages,
    shopper_context_reports,
    shopper_messages,
)
from chatserver.domain.text import is_encodable, is_plain_key
from chatserver.errors import AppError
from chatserver.realtime import events
from chatserver.realtime.acks import acked, refused_connection
from chatserver.realtime.connection import after_connect
from chatserver.views.session import ShopperSessionView

log = logging.getLogger(__name__)


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


def _text_or_none(value: Any) -> str | None:
    """A non-empty, storable string from the handshake's `auth`, else None (as if absent)."""
    return value if isinstance(value, str) and value and is_encodable(value) else None


# python-socketio ships no type information, so its classes are Any to mypy.
class VisitorNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(
        self,
        sessions: VisitorSessions,
        session_view: ShopperSessionView,
        messages: ChatMessages,
        handoff: Handoff,
        typing: Typing,
        ratings: Ratings,
        read_state: ReadState,
        contexts: ShopperContexts,
        widget_settings: WidgetSettings,
    ) -> None:
        super().__init__(events.VISITOR_NAMESPACE)
        self.sessions = sessions
        self.session_view = session_view
        self.messages = messages
        self.handoff = handoff
        self.typing = typing
        self.ratings = ratings
        self.read_state = read_state
        self.contexts = contexts
        self.widget_settings = widget_settings
        self._buckets: dict[str, TokenBucket] = {}
        self._blocked_buckets: dict[str, TokenBucket] = {}
        self._context_buckets: dict[str, TokenBucket] = {}

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        shop = auth.get("shop")
        identity, refusal = None, None
        if auth.get("identity") is not None:
            # A bad identity never refuses the connection: the shopper chats on anonymously
            # and `session.identity` says why (the widget would only reconnect with it again).
            try:
                identity = parse_identity(auth["identity"])
            except AppError as error:
                refusal = error

        async def join(conversation_id: int) -> None:
            await self.enter_room(sid, events.conversation_room(conversation_id))

        try:
            if isinstance(shop, str) and shop and not is_plain_key(shop):
                raise AppError("not_found", "店铺不存在")
            opened, payload = await self.sessions.do_open_session(
                _text_or_none(shop),
                _text_or_none(auth.get("token")),
                join,
                self.session_view.greeting,
                identity,
            )
        except AppError as error:
            if error.code == "unavailable":
                # Shoppers turned away (they retry, keeping their chat): what an operator
                # looking at a database outage needs to see.
                log.warning("a shopper's connection was refused: %s", error.message)
            # The room may have been joined before a failed commit; the refusal leaves it.
            raise refused_connection(error) from None
        refusal = refusal or opened.refusal
        user_agent = environ.get("HTTP_USER_AGENT")
        session = {"context": opened.context, "token": opened.token, "user_agent": user_agent}
        await self.save_session(sid, session)
        if refusal is not None:
            payload["identity"] = {"ok": False, "error": refusal.to_body()}
        elif identity is not None:
            payload["identity"] = {"ok": True, "customer_id": identity.customer_id}

        async def send_session() -> None:
            await self.emit(events.SESSION, payload, to=sid)

        after_connect(self.server, sid, self.namespace, send_session)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._buckets.pop(sid, None)
        self._blocked_buckets.pop(sid, None)
        self._context_buckets.pop(sid, None)

    async def _context(self, sid: str) -> VisitorContext:
        session = await self.get_session(sid)
        context = session.get("context")
        if not isinstance(context, VisitorContext):
            raise AppError("forbidden", "会话尚未建立，请重新连接")
        return context

    def _take_token(self, sid: str) -> None:
        bucket = self._buckets.get(sid) or self._buckets.setdefault(sid, shopper_messages())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "您发送得太快了，请稍后再试")

    def _take_blocked_token(self, sid: str) -> None:
        """A blocked shopper's own, tighter limit (domain/blocks.py), on top of the usual one."""
        buckets = self._blocked_buckets
        bucket = buckets.get(sid) or buckets.setdefault(sid, blocked_shopper_messages())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "您发送得太快了，请稍后再试")

    @acked
    async def on_message(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        command = parse(VisitorMessage, _first(args))
        return await self.messages.do_post_visitor_message(
            context,
            command,
            sid=sid,
            admit=lambda: self._take_token(sid),
            admit_blocked=lambda: self._take_blocked_token(sid),
        )

    @acked
    async def on_identify(self, sid: str, *args: Any) -> dict[str, Any]:
        """The shop's logged-in customer (identify() in the loader). On success this socket
        speaks for the customer from now on and gets their `session` again; a refused
        signature leaves it the anonymous shopper it was."""
        before = await self._context(sid)
        identity = parse_identity(_first(args))
        self._take_token(sid)
        fresh_token, context = await self.sessions.do_identify(before, identity)
        session = await self.get_session(sid)
        token = fresh_token or session["token"]
        await self.save_session(sid, {**session, "context": context, "token": token})
        if context.conversation_id != before.conversation_id:
            await self.leave_room(sid, events.conversation_room(before.conversation_id))
            await self.enter_room(sid, events.conversation_room(context.conversation_id))
        payload = await self.session_view.snapshot(context.conversation_id, token)
        await self.emit(events.SESSION, payload, to=sid)
        return {"conversation_id": context.conversation_id, "customer_id": identity.customer_id}

    @acked
    async def on_context(self, sid: str, *args: Any) -> dict[str, Any]:
        """The page the shopper is on and the product the shop set (the loader's report)."""
        context = await self._context(sid)
        buckets = self._context_buckets
        bucket = buckets.get(sid) or buckets.setdefault(sid, shopper_context_reports())
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "页面信息更新太频繁，请稍后再试")
        session = await self.get_session(sid)
        return await self.contexts.do_report(
            context, _first(args), user_agent=session.get("user_agent")
        )

    @acked
    async def on_prechat(self, sid: str, *args: Any) -> dict[str, Any]:
        """The pre-chat form's answers (the shop's fields; required ones before chatting)."""
        context = await self._context(sid)
        self._take_token(sid)
        return await self.widget_settings.do_prechat(context, _first(args))

    @acked
    async def on_handoff(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        parse(HandoffRequest, _first(args))
        return await self.handoff.do_request_handoff(context)

    @acked
    async def on_leave_message(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        command = parse(LeaveMessage, _first(args))
        return await self.messages.do_leave_message(
            context,
            command,
            sid=sid,
            admit=lambda: self._take_token(sid),
            admit_blocked=lambda: self._take_blocked_token(sid),
        )

    @acked
    async def on_typing(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        await self.typing.do_visitor_typing(context, parse(VisitorTyping, _first(args)))
        return {}

    @acked
    async def on_rate(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        command = parse(RateService, _first(args))
        self._take_token(sid)
        return await self.ratings.do_rate(context, command, sid=sid)

    @acked
    async def on_read(self, sid: str, *args: Any) -> dict[str, Any]:
        context = await self._context(sid)
        command = parse(VisitorRead, _first(args))
        return {"seq": await self.read_state.do_visitor_read(context, command, sid=sid)}

"""Whether a person can take a chat now, and the bot's honest answer when nobody can.

Outside the shop's hours, or inside them with nobody of the chat's group online, the bot says
when people are back and offers the 留言 form (actions/handoff.py `request_person` decides
whether the chat is queued too). `at` is the service clock's now (injectable; tests move it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chatserver.actions.new_shoppers import BOT_NAME
from chatserver.db.engine import Transaction
from chatserver.db.models import Conversation
from chatserver.db.records import Chat, append_message
from chatserver.domain.events import MessagePosted
from chatserver.domain.leave_message import Availability, describe_time, offer_text
from chatserver.views.business_hours import availability
from chatserver.views.wire import iso, message_dict

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ServiceState:
    availability: Availability
    zone: str

    @property
    def answerable(self) -> bool:
        return self.availability.reason is None

    def offer_text(self, at: datetime, *, wanted: str) -> str:
        return offer_text(self.availability, at, self.zone, wanted=wanted)

    def wire(self, at: datetime) -> dict[str, Any]:
        """`leave_message_offer`: why nobody can answer, and when people are back."""
        back_at = self.availability.back_at
        return {
            "reason": self.availability.reason,
            "back_at": None if back_at is None else iso(back_at),
            "back_text": None if back_at is None else describe_time(back_at, at, self.zone),
        }


async def service_state(tx: Transaction, conversation: Chat, at: datetime) -> ServiceState:
    found, calendar = await availability(
        tx.session, conversation.shop_id, conversation.group_id, at
    )
    return ServiceState(found, calendar.zone)


async def offer_leave_message(
    tx: Transaction,
    conversation: Conversation,
    state: ServiceState,
    *,
    at: datetime,
    now: datetime,
    wanted: str,
) -> dict[str, Any]:
    """The bot says when people are back and offers the form; the chat stays with the bot.
    `wanted`: the handoff reason. Returns the offer as the ack carries it."""
    offer = state.wire(at)
    line = await append_message(
        tx.session,
        conversation,
        sender="bot",
        sender_name=BOT_NAME,
        text=state.offer_text(at, wanted=wanted),
        meta={"leave_message_offer": offer},
        now=now,
    )
    tx.record(
        MessagePosted(
            conversation.id,
            conversation.shop_id,
            message=message_dict(line),
            status=conversation.status,
            agent_id=None,
            posted_at=now,
        )
    )
    return offer

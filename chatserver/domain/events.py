"""Domain events: what happened, as plain frozen values.

The first group are the facts of the `conversation_events` rows and the messages table,
recorded by actions on their transaction and handed to listeners after commit
(chatserver/dispatch.py). The second group changes no stored state: typing, and views that a
listener derived and the realtime fan-out sends. Adding a feature means adding its event here
and the listeners that care; nothing else needs to know.

`message`, `notice` and `farewell` fields hold the contract's Message object
(docs/protocol.md), built once by the action that stored it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Wire = dict[str, Any]
Lane = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Event:
    @property
    def lane(self) -> Lane:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ShopEvent(Event):
    """An event about a shop as a whole: one lane per shop."""

    shop_id: int

    @property
    def lane(self) -> Lane:
        return ("shop", self.shop_id)


@dataclass(frozen=True, slots=True)
class ConversationFact(Event):
    conversation_id: int
    shop_id: int

    @property
    def lane(self) -> Lane:
        return ("conversation", self.conversation_id)


# ---- stored facts ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChatCreated(ConversationFact):
    visitor_id: int


@dataclass(frozen=True, slots=True)
class MessagePosted(ConversationFact):
    message: Wire
    # The conversation as this message left it: its status and the agent who owns it.
    status: str
    agent_id: int | None
    posted_at: datetime
    # The socket that sent it, which has it already from its ack.
    origin_sid: str | None = None
    # A suggestion choice the shopper tapped ("did you mean …"), or the FAQ suggestion an
    # agent's reply was written from.
    faq_id: str | None = None

    @property
    def sender(self) -> str:
        return str(self.message["sender"])

    @property
    def text(self) -> str:
        return str(self.message["text"])


@dataclass(frozen=True, slots=True)
class ChatQueued(ConversationFact):
    reason: str
    priority: int
    notice: Wire


@dataclass(frozen=True, slots=True)
class ChatAssigned(ConversationFact):
    agent_id: int
    agent_name: str
    how: Literal["routed", "accepted", "transferred"]
    notice: Wire
    # The `assigned` payload for the agent ({conversation, messages}), read in the same
    # transaction, so it holds exactly what was stored up to the assignment.
    chat: Wire


@dataclass(frozen=True, slots=True)
class ChatReturned(ConversationFact):
    """assigned → queued: the agent went offline or stayed away past the grace period."""

    agent_id: int
    reason: str
    notice: Wire


@dataclass(frozen=True, slots=True)
class ChatTransferred(ConversationFact):
    """An agent (or a supervisor) handed an assigned chat to a colleague or back to a group's
    queue with a note (the contract's Handover); the shopper reads `notice`. A transfer to an
    agent is followed by that agent's ChatAssigned."""

    from_agent_id: int | None
    to_agent_id: int | None
    to_group_id: int | None
    handover: Wire
    notice: Wire


@dataclass(frozen=True, slots=True)
class ChatClosed(ConversationFact):
    owner_id: int | None
    # The agent who closed it; None when no agent did (merged on the shopper's login).
    closed_by: int | None
    reason: str
    farewell: Wire
    # The shopper's rating prompt ({requested, round, agent}); None: not asked.
    rating: Wire | None = None


@dataclass(frozen=True, slots=True)
class MessagesMerged(ConversationFact):
    """A shopper's login moved their other chat's messages here (actions/customers.py): shown
    to the chat's widgets and its agent, not new messages for the bot or webhooks."""

    agent_id: int | None
    status: str
    messages: tuple[Wire, ...]


@dataclass(frozen=True, slots=True)
class VisitorContextChanged(ConversationFact):
    """The widget reported a new page or product (domain/shopper_context.py) while a person
    serves or is about to serve the chat."""

    visitor_id: int
    agent_id: int | None
    context: Wire


@dataclass(frozen=True, slots=True)
class ContextImageWanted(ConversationFact):
    """The product on the shopper's screen names an image the server has no copy of yet: it is
    fetched after the commit (actions/card_images.py), never shown from the shop's host."""

    visitor_id: int
    url: str


@dataclass(frozen=True, slots=True)
class CardImageReady(ConversationFact):
    """A product card's image was fetched and stored (actions/card_images.py): the message
    as it now reads, with the image's signed URLs in `meta.card.photo`."""

    message: Wire
    agent_id: int | None


@dataclass(frozen=True, slots=True)
class ChatReopened(ConversationFact):
    """A shopper wrote into a closed chat: the bot has it again."""


@dataclass(frozen=True, slots=True)
class NoteAdded(ConversationFact):
    """A private note for the shop's staff (the contract's Note object)."""

    note: Wire
    # The socket that wrote it, which has it already from its ack.
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class FlagChanged(ConversationFact):
    flag: str | None
    by: Wire
    changed_at: datetime
    # The conversation's status: a queued chat's flag shows in the waiting list.
    status: str
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class ChatRated(ConversationFact):
    """The shopper rated a service round (the Rating object of docs/protocol.md)."""

    agent_id: int | None
    rating: Wire
    # The shopper's socket that rated, which has the rating from its ack.
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class ShopperBlocked(ConversationFact):
    """Staff put the shopper behind this conversation on the block list."""

    block: Wire
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class ShopperUnblocked(ConversationFact):
    """A supervisor or admin took the shopper off the block list."""

    block_id: int
    visitor_id: int
    by: Wire


@dataclass(frozen=True, slots=True)
class ComplaintChanged(ConversationFact):
    """A complaint was opened, filled in, escalated or settled (the Complaint object)."""

    complaint: Wire
    # The socket that changed it, which has it already from its ack (None: opened on handoff).
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class ComplaintEscalated(ConversationFact):
    """A complaint went up a level: the shop's supervisors are alerted."""

    complaint: Wire
    from_level: int
    by: Wire
    reason: str
    origin_sid: str | None = None


@dataclass(frozen=True, slots=True)
class ImpoliteMessageSent(ConversationFact):
    """An agent sent a message the politeness check flags (they chose to send it anyway); the
    `impolite_sent` event row. For reports and webhooks: nothing reaches the shopper."""

    agent_id: int
    message_id: int
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlaAlerted(ConversationFact):
    """An SLA clock passed its warning threshold or its target (the `sla_warning` /
    `sla_breach` event row): `payload` is the contract's event body, `recipients` the agents
    told (the owner or the group for a warning, the supervisors for a breach)."""

    alert: Literal["sla_warning", "sla_breach"]
    payload: Wire
    recipients: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AgentStatusChanged(Event):
    agent_id: int
    shop_id: int
    status: str

    @property
    def lane(self) -> Lane:
        return ("agent", self.agent_id)


@dataclass(frozen=True, slots=True)
class CatalogChanged(ShopEvent):
    """The shop's FAQ or standard phrases were edited."""


@dataclass(frozen=True, slots=True)
class WebhooksQueued(Event):
    """A commit stored webhook deliveries for the shop (the outbox): time to send them."""

    shop_id: int

    @property
    def lane(self) -> Lane:
        # Its own lane: reserved at commit with no row lock, it must not hold up the shop's.
        return ("webhooks", self.shop_id)


@dataclass(frozen=True, slots=True)
class ReadUpTo(ConversationFact):
    """One side has read the conversation up to `seq` (the mark on the conversation row; no
    event row: a read is not an audit fact)."""

    by: Literal["visitor", "agent"]
    seq: int
    # The agent serving the chat (told when the shopper reads), if any.
    agent_id: int | None
    origin_sid: str | None = None


# ---- not stored: typing, requests to listeners, and views they derived for the fan-out ---------


@dataclass(frozen=True, slots=True)
class RoutingRequested(ShopEvent):
    """Route the shop's waiting chats now (a shopper asked again, or the sweep found some)."""


@dataclass(frozen=True, slots=True)
class TypingChanged(ConversationFact):
    by: Literal["visitor", "agent"]
    typing: bool
    # The owning agent (told when the shopper types); the agent's name (shown to the shopper).
    agent_id: int | None
    agent_name: str | None = None


@dataclass(frozen=True, slots=True)
class ChatFocused(ConversationFact):
    agent_id: int  # serves the chat and opened it in a panel (`focus`)


@dataclass(frozen=True, slots=True)
class SuggestionsFound(ConversationFact):
    agent_id: int
    items: list[Wire]


@dataclass(frozen=True, slots=True)
class QueueChanged(ShopEvent):
    # The waiting list for agents, and each waiting shopper's {position, eta_s, agents_online}.
    items: list[Wire]
    positions: dict[int, dict[str, int | None]]
    # Each waiting chat's last message seq when the snapshot was read.
    as_of_seq: dict[int, int]


@dataclass(frozen=True, slots=True)
class SupervisorActed(ConversationFact):
    """A supervisor reassigned, took over or silently joined a chat (the audit record)."""

    audit: Wire


@dataclass(frozen=True, slots=True)
class LiveBoardChanged(ShopEvent):
    """The supervisors' live view of one shop as it now stands (derived, never stored)."""

    board: Wire

"""Who gets a waiting chat, in what order the queue is served, and how long a shopper waits.

Complaints first, then longest wait. A chat goes to an agent of its group (售前 / 售后 …): the
shopper's previous agent if they serve that group and are online with capacity (谁的顾客谁跟进);
otherwise the least loaded online agent of the group under their max_chats, the one idle
longest breaking ties so work spreads evenly. Nobody of the group online: the chat waits (a
presales agent is not the right person for a refund, and the group's people will come).
Never an agent with no live connection: the disconnect grace period keeps their own chats, it
does not bring new ones. Never back to the agent who just handed the chat over.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

DEFAULT_HANDLE_SECONDS = 180
MIN_HANDLE_SECONDS = 60


@dataclass(frozen=True)
class AgentLoad:
    agent_id: int
    status: str
    open_chats: int
    max_chats: int
    status_changed_at: datetime | None = None
    # Has at least one live panel connection (any process); status alone lags a closed browser.
    connected: bool = True
    group_ids: frozenset[int] = frozenset()

    @property
    def has_capacity(self) -> bool:
        return self.status == "online" and self.connected and self.open_chats < self.max_chats

    def serves(self, group_id: int | None) -> bool:
        """A chat with no group (before groups, or its group was deleted) is anyone's."""
        return group_id is None or group_id in self.group_ids


@dataclass(frozen=True)
class WaitingChat:
    conversation_id: int
    priority: int
    queued_at: datetime
    previous_agent_id: int | None = None
    group_id: int | None = None
    # The agent who handed this chat over to its group: never routed straight back to them.
    handed_over_by: int | None = None


def queue_order(chats: Sequence[WaitingChat]) -> list[WaitingChat]:
    return sorted(chats, key=lambda c: (-c.priority, c.queued_at, c.conversation_id))


def choose_agent(chat: WaitingChat, agents: Sequence[AgentLoad]) -> int | None:
    available = [
        a
        for a in agents
        if a.has_capacity and a.serves(chat.group_id) and a.agent_id != chat.handed_over_by
    ]
    if not available:
        return None
    for agent in available:
        if agent.agent_id == chat.previous_agent_id:
            return agent.agent_id
    best = min(
        available,
        key=lambda a: (
            a.open_chats / max(a.max_chats, 1),
            a.open_chats,
            a.status_changed_at.timestamp() if a.status_changed_at else 0.0,
            a.agent_id,
        ),
    )
    return best.agent_id


def handle_seconds(recent: Sequence[float]) -> float:
    """How long a chat holds a seat: the median of recent real handling times (a few very long
    or very short chats do not move it), never under a minute, and a few minutes with no
    history yet."""
    if not recent:
        return DEFAULT_HANDLE_SECONDS
    return max(statistics.median(recent), MIN_HANDLE_SECONDS)


def estimate_wait_seconds(
    position: int, agents: Sequence[AgentLoad], handle_seconds: float
) -> int | None:
    """Rough wait for the shopper at `position` (1 = next in line); None with nobody online,
    when any figure would be a guess.

    Free seats are taken at once; beyond them a seat frees up every handle time divided by the
    number of seats.
    """
    online = [a for a in agents if a.status == "online"]
    if not online:
        return None
    seats = sum(a.max_chats for a in online)
    free = sum(max(a.max_chats - a.open_chats, 0) for a in online)
    if position <= free:
        return 0
    ahead = position - free
    return math.ceil(ahead * handle_seconds / max(seats, 1))

"""Which agents are connected, and what happens when they come and go.

An agent who disconnects keeps their chats for a grace period (a flaky phone network, a page
reload); past it their chats go back to the queue, never dropped. Connections are counted in a
PresenceStore (this process, or Redis across processes), so closing one of two tabs on two
processes takes nothing away. A sweep finds agents marked present with no live connection
(after a restart or a crashed process) and gives them the same grace period.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from chatserver.actions.checks import SUPERVISING_ROLES
from chatserver.db.engine import Database
from chatserver.db.models import Agent
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.presence_store import EveryChat, PresenceStore

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15.0


async def has_live_connection(store: PresenceStore, agent_id: int) -> bool:
    """At least one panel of this agent is connected, on any process. Routing asks this before
    giving a chat: an agent inside the disconnect grace period keeps their chats, gets no new
    one."""
    try:
        return await store.count(agent_id) > 0
    except Exception:
        # Presence unknown (Redis unreachable): never take chats away on a guess, and keep
        # chats flowing rather than stop all routing.
        log.warning("presence store unreachable; treating agent %s as connected", agent_id)
        return True


async def shows_chat(store: PresenceStore, agent_id: int, conversation_id: int) -> bool:
    """A panel of this agent, on any process, has this chat open or never said which one it
    has open: only then are the agent's FAQ suggestions for it worth finding."""
    try:
        return await store.shows(agent_id, conversation_id)
    except Exception:
        log.warning("presence store unreachable; finding suggestions for agent %s", agent_id)
        return True


@dataclass
class _FocusState:
    last_ticket: int = 0
    wanted: tuple[int, int | None] | None = None  # (ticket, chat); None: never said
    written: tuple[int, int | None] | None = None
    registered: bool = False  # in the presence store yet (it ignores unknown sockets)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class AgentPresence:
    def __init__(
        self,
        db: Database,
        store: PresenceStore,
        *,
        grace_seconds: float,
        came_back: Callable[[int], Awaitable[None]],
        gone: Callable[[int, str], Awaitable[None]],
        close_sockets: Callable[[list[str]], Awaitable[None]],
        views: PresenceStore,
        close_views: Callable[[list[str]], Awaitable[None]],
    ) -> None:
        """`came_back(agent_id)` runs on connect (an offline agent becomes online);
        `gone(agent_id, reason)` when the grace period ran out (their chats go back);
        `close_sockets(sids)` closes sockets on whichever process holds them. `views` and
        `close_views`: the same for the supervisors' live views (/supervisor), kept apart
        because a live view is no panel: it never makes its owner "connected" for routing."""
        self.db = db
        self.store = store
        self.views = views
        self.close_views = close_views
        self.grace_seconds = grace_seconds
        self.came_back = came_back
        self.gone = gone
        self.close_sockets = close_sockets
        self._grace_timers: dict[int, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        # Connecting and expiring one agent's grace period must not interleave.
        self._agent_locks: dict[int, asyncio.Lock] = {}
        # This process's panels: what each says it has open, in order (see `focus`).
        self._focus: dict[str, _FocusState] = {}

    def _lock(self, agent_id: int) -> asyncio.Lock:
        return self._agent_locks.setdefault(agent_id, asyncio.Lock())

    async def is_connected(self, agent_id: int) -> bool:
        return await has_live_connection(self.store, agent_id)

    async def connected(self, actor: AuthenticatedAgent, sid: str) -> None:
        """Register the connection and end any grace period."""
        agent_id = actor.agent.id
        async with self._lock(agent_id):
            focus = self._focus.get(sid)
            if focus is None:
                # Gone while this waited (`disconnected` ran first): adding it now would count
                # a dead socket as a connected agent for ever.
                return
            await self.store.add(agent_id, actor.session_id, sid)
            focus.registered = True
            await self._write_focus(agent_id, sid, focus)
            timer = self._grace_timers.pop(agent_id, None)
            if timer is not None:
                timer.cancel()
            await self.came_back(agent_id)

    # ---- the chat each panel has open (`focus`) ---------------------------------------------
    # A panel's focus changes are numbered in the order they reached us (a ticket taken before
    # the first await), and the store always ends with the newest: two quick switches whose
    # checks finish in the other order, or a `focus` that overtakes the handshake's own while
    # the socket is being registered, must not leave the older chat recorded.

    def open_focus(self, sid: str, conversation_id: int | EveryChat | None) -> None:
        """At connect, before any event of the socket: the handshake's focus is ticket 0. Also
        marks the socket as live here until `disconnected`."""
        state = self._focus[sid] = _FocusState()
        if not isinstance(conversation_id, EveryChat):  # EVERY_CHAT: the handshake said none
            state.wanted = (0, conversation_id)

    def focus_ticket(self, sid: str) -> int | None:
        """Take the next number for a focus change of this socket (None: not connected here)."""
        state = self._focus.get(sid)
        if state is None:
            return None
        state.last_ticket += 1
        return state.last_ticket

    async def focus(
        self, agent_id: int, sid: str, conversation_id: int | None, ticket: int | None
    ) -> bool:
        """The chat this panel has open (None: none), unless a newer change was made. False
        when it was not recorded: overtaken by a newer one, or the socket is gone."""
        state = self._focus.get(sid)
        if state is None or ticket is None:
            return False
        if state.wanted is not None and ticket < state.wanted[0]:
            return False
        state.wanted = (ticket, conversation_id)
        await self._write_focus(agent_id, sid, state)
        return True

    async def _write_focus(self, agent_id: int, sid: str, state: _FocusState) -> None:
        async with state.lock:
            # Read under the lock: whoever writes last writes the newest.
            wanted = state.wanted
            if not state.registered or wanted is None or wanted == state.written:
                return
            try:
                await self.store.set_focus(agent_id, sid, wanted[1])
            except Exception:
                # Presence unreachable: the focus stays unknown, so suggestions keep coming.
                log.warning("presence store unreachable; focus of agent %s not recorded", agent_id)
                return
            state.written = wanted

    async def disconnected(self, agent_id: int, session_id: int, sid: str) -> None:
        self._focus.pop(sid, None)
        await self.store.remove(agent_id, session_id, sid)
        if not await self.is_connected(agent_id):
            self._start_grace(agent_id)

    async def view_connected(self, actor: AuthenticatedAgent, sid: str) -> None:
        await self.views.add(actor.agent.id, actor.session_id, sid)

    async def view_disconnected(self, agent_id: int, session_id: int, sid: str) -> None:
        await self.views.remove(agent_id, session_id, sid)

    async def shop_has_live_view(self, shop_id: int) -> bool:
        """A supervisor or admin of the shop has the live view open, on any process: only then
        is its board worth building. Unknown (Redis unreachable) counts as open."""
        async with self.db.sessions() as session:
            supervising = list(
                await session.scalars(
                    select(Agent.id).where(
                        Agent.shop_id == shop_id,
                        Agent.role.in_(SUPERVISING_ROLES),
                        Agent.disabled_at.is_(None),
                    )
                )
            )
        try:
            for agent_id in supervising:
                if await self.views.count(agent_id) > 0:
                    return True
        except Exception:
            log.warning("presence store unreachable; building shop %s's live board", shop_id)
            return True
        return False

    async def close_live_views(self, agent_id: int) -> None:
        """Close this account's live views on every process (no longer a supervisor)."""
        await self.close_views(await self.views.agent_sids(agent_id))

    async def disconnect_session(self, session_id: int) -> None:
        """Close every socket opened with a revoked session token (panels and live views), on
        every process."""
        await self.close_sockets(await self.store.session_sids(session_id))
        await self.close_views(await self.views.session_sids(session_id))

    def _start_grace(self, agent_id: int) -> None:
        previous = self._grace_timers.pop(agent_id, None)
        if previous is not None:
            previous.cancel()
        self._grace_timers[agent_id] = asyncio.get_running_loop().create_task(
            self._expire_after_grace(agent_id)
        )

    async def _expire_after_grace(self, agent_id: int) -> None:
        try:
            await asyncio.sleep(self.grace_seconds)
        except asyncio.CancelledError:
            return
        async with self._lock(agent_id):
            if self._grace_timers.get(agent_id) is asyncio.current_task():
                del self._grace_timers[agent_id]
            if await self.is_connected(agent_id):
                return
            try:
                await self.gone(agent_id, "disconnected")
            except Exception:
                log.exception("returning chats of agent %s failed", agent_id)

    async def start(self) -> None:
        await self.store.start()
        await self.views.start()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("presence sweep failed")
            await asyncio.sleep(SWEEP_SECONDS)

    async def sweep(self) -> None:
        """Agents marked present with no live connection anywhere get the grace period."""
        async with self.db.sessions() as session:
            ids = list(await session.scalars(select(Agent.id).where(Agent.status != "offline")))
        for agent_id in ids:
            if agent_id not in self._grace_timers and not await self.is_connected(agent_id):
                self._start_grace(agent_id)

    async def shutdown(self) -> None:
        """Stop the sweep and the timers and wait for them, while the database is still open:
        a task cancelled mid-query must finish its rollback before the engine goes away."""
        tasks = [*self._grace_timers.values()]
        if self._sweeper is not None:
            tasks.append(self._sweeper)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._grace_timers.clear()
        await self.store.stop()
        await self.views.stop()

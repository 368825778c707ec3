"""A panel's focus changes end with the newest one recorded, whatever order their checks
finish in (chatserver/services/presence.py, AgentPresence.focus)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from chatserver.services.presence import AgentPresence
from chatserver.services.presence_store import EVERY_CHAT, LocalPresenceStore

AGENT = 7


async def _nothing(*_args: Any) -> None:
    return None


def _presence(store: LocalPresenceStore) -> AgentPresence:
    return AgentPresence(
        cast(Any, None),  # the database: not touched by connecting or focusing
        store,
        grace_seconds=1,
        came_back=_nothing,
        gone=_nothing,
        close_sockets=_nothing,
        views=LocalPresenceStore(),
        close_views=_nothing,
    )


def _actor() -> Any:
    return SimpleNamespace(agent=SimpleNamespace(id=AGENT), session_id=1)


async def _shown(store: LocalPresenceStore) -> list[int]:
    return [chat for chat in (100, 200, 300) if await store.shows(AGENT, chat)]


async def test_the_newest_switch_stays_when_an_older_one_finishes_last() -> None:
    store = LocalPresenceStore()
    presence = _presence(store)
    presence.open_focus("tab", EVERY_CHAT)
    await presence.connected(_actor(), "tab")
    assert await _shown(store) == [100, 200, 300]  # never said: every chat
    to_b, to_c = presence.focus_ticket("tab"), presence.focus_ticket("tab")
    await presence.focus(AGENT, "tab", 300, to_c)
    await presence.focus(AGENT, "tab", 200, to_b)  # its checks took longer
    assert await _shown(store) == [300]


async def test_a_switch_before_the_socket_is_registered_overrides_the_handshake() -> None:
    store = LocalPresenceStore()
    presence = _presence(store)
    presence.open_focus("tab", 100)  # the handshake said 100
    await presence.focus(AGENT, "tab", 200, presence.focus_ticket("tab"))
    assert await _shown(store) == []  # not registered yet: nothing is written
    await presence.connected(_actor(), "tab")
    assert await _shown(store) == [200]


async def test_writes_waiting_on_a_slow_store_end_with_the_newest() -> None:
    class SlowStore(LocalPresenceStore):
        """Each write waits for its own release; the test releases the newest first."""

        def __init__(self) -> None:
            super().__init__()
            self.gates: list[asyncio.Event] = []
            self.slow = False

        async def set_focus(self, agent_id: int, sid: str, conversation_id: int | None) -> None:
            if self.slow:
                gate = asyncio.Event()
                self.gates.append(gate)
                await gate.wait()
            await super().set_focus(agent_id, sid, conversation_id)

    store = SlowStore()
    presence = _presence(store)
    presence.open_focus("tab", EVERY_CHAT)
    await presence.connected(_actor(), "tab")
    store.slow = True
    writes = [
        asyncio.create_task(presence.focus(AGENT, "tab", chat, presence.focus_ticket("tab")))
        for chat in (100, 200, None)
    ]
    for _ in range(20):
        await asyncio.sleep(0)
    while not all(task.done() for task in writes):
        for gate in reversed(store.gates):
            gate.set()
        await asyncio.sleep(0)
    assert await _shown(store) == []  # None, the newest: no chat open


async def test_a_socket_gone_before_it_registered_is_not_counted() -> None:
    store = LocalPresenceStore()
    presence = _presence(store)
    presence.open_focus("tab", 100)
    # The socket dropped while its catch-up waited: `disconnected` ran before `connected`.
    await presence.disconnected(AGENT, 1, "tab")
    await presence.connected(_actor(), "tab")
    assert await store.count(AGENT) == 0
    assert presence.focus_ticket("tab") is None
    assert not await presence.focus(AGENT, "tab", 200, 5)

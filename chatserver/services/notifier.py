"""How services tell clients about committed changes; realtime/notify.py implements it."""

from __future__ import annotations

from typing import Any, Protocol


class Notifier(Protocol):
    async def to_conversation(
        self, conversation_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every shopper connection that has this conversation open (/visitor)."""

    async def to_agent(
        self, agent_id: int, event: str, data: Any, *, skip_sid: str | None = None
    ) -> None:
        """Every connection of one agent (/agent)."""

    async def to_shop_agents(self, shop_id: int, event: str, data: Any) -> None:
        """Every agent connection of one shop (/agent)."""

    async def disconnect_agent_sockets(self, sids: list[str]) -> None:
        """Close these /agent sockets, on whichever process holds them."""

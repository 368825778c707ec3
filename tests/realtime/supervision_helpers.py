"""Test helpers for the supervisors' live view: a supervisor's /supervisor socket, a chat on
the board."""

from __future__ import annotations

from typing import Any

from tests.conftest import AgentClient, EventClient, LiveServer, Visitor


async def supervisor_view(server: LiveServer, username: str) -> tuple[EventClient, str]:
    """A supervisor's live view: the /supervisor socket (with its first board) and the token."""
    login = await server.login(username)
    view = EventClient(namespace="/supervisor")
    await view.connect(server.url, {"token": login["token"]})
    await view.wait_for("live")
    server.clients.append(view)
    return view, login["token"]


def chat_on_board(board: dict[str, Any], conversation_id: int) -> dict[str, Any] | None:
    return next((c for c in board["chats"] if c["id"] == conversation_id), None)


async def serving(server: LiveServer, agent: AgentClient) -> Visitor:
    """A shopper whose chat `agent` now serves."""
    shopper = await server.visitor()
    await shopper.send("转人工")
    conversation_id = shopper.session["conversation_id"]
    await agent.wait_for("assigned", lambda a: a["conversation"]["id"] == conversation_id)
    return shopper

"""The shop's agents and groups as the agent panel's transfer picker reads them (any role)."""

from __future__ import annotations

from aiohttp import web

from chatserver.api.common import current_agent, parts_of
from chatserver.api.routes import STAFF, Route, add


async def team(request: web.Request) -> web.Response:
    actor = await current_agent(request)
    parts = parts_of(request)
    roster = await parts.staff_views.roster(actor.shop.id)
    agents = [
        {
            "id": a["id"],
            "name": a["name"],
            "role": a["role"],
            "status": a["status"],
            # A transfer needs a panel open somewhere (any process).
            "connected": a["status"] != "offline" and await parts.presence.is_connected(a["id"]),
            "open_chats": a["open_chats"],
            "max_chats": a["max_chats"],
            "group_ids": a["group_ids"],
        }
        for a in roster["agents"]
        if not a["disabled"]
    ]
    groups = [{k: g[k] for k in ("id", "name", "topic", "member_ids")} for g in roster["groups"]]
    return web.json_response({"agents": agents, "groups": groups})


def add_routes(app: web.Application) -> None:
    add(app, "客服与分组", [Route("GET", "/api/team", team, "转接用的客服和分组", STAFF)])

"""A bare python-socketio relay: the baseline the chatserver is measured against.

aiohttp + python-socketio with chatserver's event names and payload shapes, and nothing else: no
storage, no validation, no rate limits. A shopper connects to `/visitor` (auth `{"shop"}`, or
`{"token"}` to resume) and is greeted with `session`; `handoff` assigns the chat to the next
connected agent (round robin), who gets `assigned`; a shopper's `message` is acked and relayed
to the agent's room as `message`. Agents log in with `POST /api/auth/login` (any name) and
connect to `/agent` with the token. So `bench/node/driver.mjs` runs unchanged against both,
and the difference is what chatserver's own work costs.

`--no-deflate` turns off permessage-deflate on the websocket (see chatserver/realtime/
transport.py), to show what that state costs per connection.
Run: `python bench/bare_relay.py --port 8100`.
"""

from __future__ import annotations

import argparse
import itertools
import secrets
import time
from typing import Any

import socketio
from aiohttp import web

VISITOR, AGENT = "/visitor", "/agent"


def build(deflate: bool) -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=None)
    if not deflate:
        from chatserver.realtime.transport import without_deflate

        without_deflate(sio)
    app = web.Application()
    sio.attach(app)
    conversations: dict[str, int] = {}  # token → conversation id (a resuming shopper's chat)
    next_id = itertools.count(1)
    agents: list[str] = []  # connected agent sids, for round-robin assignment
    turn = itertools.count()

    async def login(request: web.Request) -> web.Response:
        return web.json_response({"token": secrets.token_urlsafe(16)})

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app.router.add_post("/api/auth/login", login)
    app.router.add_get("/healthz", health)

    class Visitor(socketio.AsyncNamespace):
        async def on_connect(self, sid: str, environ: Any, auth: Any = None) -> None:
            auth = auth if isinstance(auth, dict) else {}
            token = auth.get("token")
            if not isinstance(token, str) or token not in conversations:
                token = secrets.token_urlsafe(32)
                conversations[token] = next(next_id)
            cid = conversations[token]
            await self.save_session(sid, {"cid": cid})
            await self.enter_room(sid, f"c{cid}")
            greeting = {"id": 0, "seq": 1, "sender": "bot", "text": "您好", "kind": "text"}
            session = {"token": token, "conversation_id": cid, "status": "bot"}
            # Emitted after the CONNECT packet went out, as chatserver does.
            self.server.start_background_task(
                self.emit, "session", {**session, "messages": [greeting]}, to=sid
            )

        async def on_handoff(self, sid: str, data: Any = None) -> dict[str, Any]:
            cid = (await self.get_session(sid))["cid"]
            if not agents:
                return {"ok": True, "status": "queued"}
            agent = agents[next(turn) % len(agents)]
            await self.server.enter_room(agent, f"c{cid}", namespace=AGENT)
            chat = {"id": cid, "status": "assigned"}
            await self.server.emit("assigned", {"conversation": chat}, to=agent, namespace=AGENT)
            return {"ok": True, "status": "assigned"}

        async def on_message(self, sid: str, data: Any = None) -> dict[str, Any]:
            cid = (await self.get_session(sid))["cid"]
            data = data if isinstance(data, dict) else {}
            message = {
                "id": 0,
                "conversation_id": cid,
                "sender": "visitor",
                "text": data.get("text"),
                "client_id": data.get("client_id"),
                "kind": "text",
                "created_at": time.time(),
            }
            await self.server.emit("message", message, room=f"c{cid}", namespace=AGENT)
            return {"ok": True, "message": message, "status": "assigned"}

    class Agent(socketio.AsyncNamespace):
        async def on_connect(self, sid: str, environ: Any, auth: Any = None) -> None:
            agents.append(sid)

        async def on_disconnect(self, sid: str, reason: Any = None) -> None:
            agents.remove(sid)

    sio.register_namespace(Visitor(VISITOR))
    sio.register_namespace(Agent(AGENT))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--no-deflate", action="store_true")
    args = parser.parse_args()
    web.run_app(build(not args.no_deflate), host=args.host, port=args.port, access_log=None)


if __name__ == "__main__":
    main()

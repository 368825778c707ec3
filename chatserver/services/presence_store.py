"""Where agent connections are counted: in this process, or in Redis across processes.

With Redis every process registers its sockets under a host id whose heartbeat key expires
when the process dies, so a crashed process's sockets stop counting by themselves. Each
heartbeat also writes this process's sockets again and renews the hashes' expiry, so a Redis
restart or a stalled process heals within one beat, and hashes nobody renews disappear.

A panel may say which chat it has open (`focus`): work done only for the agent's eyes, such as
FAQ suggestions, is skipped for chats no panel shows. A socket that never said shows every chat,
so panels that do not send `focus` keep getting everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, Protocol, cast

if TYPE_CHECKING:
    from redis.asyncio.client import Pipeline

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
HOST_TTL_SECONDS = 30
HASH_TTL_SECONDS = 3 * HOST_TTL_SECONDS


class PresenceStore(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def add(self, agent_id: int, session_id: int, sid: str) -> None: ...
    async def remove(self, agent_id: int, session_id: int, sid: str) -> None: ...
    async def count(self, agent_id: int) -> int: ...
    async def session_sids(self, session_id: int) -> list[str]: ...
    async def agent_sids(self, agent_id: int) -> list[str]: ...
    async def set_focus(self, agent_id: int, sid: str, conversation_id: int | None) -> None: ...
    async def shows(self, agent_id: int, conversation_id: int) -> bool: ...


class EveryChat(enum.Enum):
    """The focus of a socket that never sent one."""

    token = 0


EVERY_CHAT: Final = EveryChat.token


def _shows(focuses: Iterable[int | EveryChat | None], conversation_id: int) -> bool:
    return any(f is EVERY_CHAT or f == conversation_id for f in focuses)


class LocalPresenceStore:
    """One process: plain dictionaries."""

    def __init__(self) -> None:
        self._by_agent: dict[int, set[str]] = {}
        self._by_session: dict[int, set[str]] = {}
        self._focus: dict[str, int | None] = {}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def add(self, agent_id: int, session_id: int, sid: str) -> None:
        self._by_agent.setdefault(agent_id, set()).add(sid)
        self._by_session.setdefault(session_id, set()).add(sid)

    async def remove(self, agent_id: int, session_id: int, sid: str) -> None:
        self._focus.pop(sid, None)
        for table, key in ((self._by_agent, agent_id), (self._by_session, session_id)):
            members = table.get(key)
            if members is not None:
                members.discard(sid)
                if not members:
                    del table[key]

    async def count(self, agent_id: int) -> int:
        return len(self._by_agent.get(agent_id, ()))

    async def session_sids(self, session_id: int) -> list[str]:
        return sorted(self._by_session.get(session_id, ()))

    async def agent_sids(self, agent_id: int) -> list[str]:
        return sorted(self._by_agent.get(agent_id, ()))

    async def set_focus(self, agent_id: int, sid: str, conversation_id: int | None) -> None:
        if sid in self._by_agent.get(agent_id, ()):
            self._focus[sid] = conversation_id

    async def shows(self, agent_id: int, conversation_id: int) -> bool:
        sids = self._by_agent.get(agent_id, ())
        return _shows((self._focus.get(sid, EVERY_CHAT) for sid in sids), conversation_id)


class RedisPresenceStore:
    """Several processes: hashes of sid → host id, and one expiring heartbeat key per host."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        import redis.asyncio as aioredis

        self.redis = aioredis.from_url(redis_url, decode_responses=True)
        self.prefix = prefix
        self.host_id = uuid.uuid4().hex
        self._heartbeat: asyncio.Task[None] | None = None
        # This process's own sockets: the source of truth the heartbeat re-writes to Redis.
        self._own: dict[str, tuple[int, int]] = {}
        self._own_focus: dict[str, int | None] = {}

    def _agent_key(self, agent_id: int) -> str:
        return f"{self.prefix}:agent:{agent_id}"

    def _session_key(self, session_id: int) -> str:
        return f"{self.prefix}:session:{session_id}"

    def _focus_key(self, agent_id: int) -> str:
        return f"{self.prefix}:focus:{agent_id}"

    def _host_key(self, host_id: str) -> str:
        return f"{self.prefix}:host:{host_id}"

    async def start(self) -> None:
        await self.beat()
        self._heartbeat = asyncio.get_running_loop().create_task(self._beat_forever())

    async def beat(self) -> None:
        """Say this process is alive and (re)write its sockets, renewing their expiry."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(self._host_key(self.host_id), "1", ex=HOST_TTL_SECONDS)
            for sid, (agent_id, session_id) in self._own.items():
                for key in (self._agent_key(agent_id), self._session_key(session_id)):
                    pipe.hset(key, sid, self.host_id)
                    pipe.expire(key, HASH_TTL_SECONDS)
                if sid in self._own_focus:
                    self._write_focus(pipe, agent_id, sid, self._own_focus[sid])
            await pipe.execute()

    def _write_focus(
        self, pipe: Pipeline, agent_id: int, sid: str, conversation_id: int | None
    ) -> None:
        key = self._focus_key(agent_id)
        pipe.hset(key, sid, "" if conversation_id is None else str(conversation_id))
        pipe.expire(key, HASH_TTL_SECONDS)

    async def _beat_forever(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await self.beat()
            except Exception:
                log.warning("presence heartbeat to Redis failed; retrying")

    async def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        with contextlib.suppress(Exception):
            await self.redis.delete(self._host_key(self.host_id))
        await self.redis.aclose()

    async def add(self, agent_id: int, session_id: int, sid: str) -> None:
        self._own[sid] = (agent_id, session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (self._agent_key(agent_id), self._session_key(session_id)):
                pipe.hset(key, sid, self.host_id)
                pipe.expire(key, HASH_TTL_SECONDS)
            await pipe.execute()

    async def remove(self, agent_id: int, session_id: int, sid: str) -> None:
        self._own.pop(sid, None)
        self._own_focus.pop(sid, None)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._agent_key(agent_id), sid)
            pipe.hdel(self._session_key(session_id), sid)
            pipe.hdel(self._focus_key(agent_id), sid)
            await pipe.execute()

    async def _live(self, key: str) -> list[str]:
        """Members of a hash whose host still beats; entries of dead hosts are removed."""
        # The client decodes (decode_responses=True), which redis-py's types cannot express.
        return await self._alive(key, cast(dict[str, str], await self.redis.hgetall(key)))

    async def _alive(self, key: str, entries: dict[str, str]) -> list[str]:
        if not entries:
            return []
        hosts = sorted(set(entries.values()))
        alive_flags = await self.redis.mget([self._host_key(h) for h in hosts])
        alive = {host for host, flag in zip(hosts, alive_flags, strict=True) if flag}
        dead = [sid for sid, host in entries.items() if host not in alive]
        if dead:
            await self.redis.hdel(key, *dead)
        return sorted(sid for sid, host in entries.items() if host in alive)

    async def count(self, agent_id: int) -> int:
        local = sum(1 for owner, _session in self._own.values() if owner == agent_id)
        if local:
            return local  # connected here: no need to ask Redis (and true even if it is down)
        return len(await self._live(self._agent_key(agent_id)))

    async def session_sids(self, session_id: int) -> list[str]:
        return await self._live(self._session_key(session_id))

    async def agent_sids(self, agent_id: int) -> list[str]:
        return await self._live(self._agent_key(agent_id))

    async def set_focus(self, agent_id: int, sid: str, conversation_id: int | None) -> None:
        if self._own.get(sid, (None, None))[0] != agent_id:
            return
        self._own_focus[sid] = conversation_id
        async with self.redis.pipeline(transaction=True) as pipe:
            self._write_focus(pipe, agent_id, sid, conversation_id)
            await pipe.execute()

    async def shows(self, agent_id: int, conversation_id: int) -> bool:
        local = [
            self._own_focus.get(sid, EVERY_CHAT)
            for sid, (owner, _s) in self._own.items()
            if owner == agent_id
        ]
        if _shows(local, conversation_id):
            return True  # a panel here shows it: no need to ask Redis
        # One snapshot (MULTI): a socket being added must not look focus-less or stale.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(self._agent_key(agent_id))
            pipe.hgetall(self._focus_key(agent_id))
            sockets, focus = cast(tuple[dict[str, str], dict[str, str]], await pipe.execute())
        live = await self._alive(self._agent_key(agent_id), sockets)
        gone = [sid for sid in focus if sid not in live]
        if gone:  # a dead process's sockets, or a focus written just after its socket left
            await self.redis.hdel(self._focus_key(agent_id), *gone)
        return _shows((_read_focus(focus.get(sid)) for sid in live), conversation_id)


def _read_focus(stored: str | None) -> int | EveryChat | None:
    if stored is None:
        return EVERY_CHAT
    return int(stored) if stored.isdigit() else None

"""Which process does the work only one process may do (the SLA timers).

Without Redis there is one process and it always leads. With Redis, a key with an expiry: the
holder renews it on every beat, another process takes it over once the holder stops renewing
(it died, or stalled past the expiry). Every alert is also written under the conversation's row
lock after checking the stored ones, so even a moment of two leaders repeats nothing.
"""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

log = logging.getLogger(__name__)

# Take the key, or renew it when it is ours; in one step.
_HOLD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Leadership(Protocol):
    async def hold(self) -> bool: ...
    async def release(self) -> None: ...


class SoleProcess:
    """No Redis: this is the only process."""

    async def hold(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class RedisLeadership:
    def __init__(self, redis_url: str, key: str, ttl_seconds: float) -> None:
        import redis.asyncio as aioredis

        self.redis = aioredis.from_url(redis_url, decode_responses=True)
        self.key = key
        self.ttl_ms = max(1, int(ttl_seconds * 1000))
        self.host_id = uuid.uuid4().hex

    async def hold(self) -> bool:
        """True while this process leads (taking the lead when nobody holds it)."""
        try:
            return bool(await self.redis.eval(_HOLD, 1, self.key, self.host_id, self.ttl_ms))
        except Exception:
            # Redis down: every process works; the row locks still keep each alert single.
            log.warning("leader lock in Redis unreachable; working without it")
            return True

    async def release(self) -> None:
        try:
            await self.redis.eval(_RELEASE, 1, self.key, self.host_id)
        except Exception:
            log.warning("could not release the leader lock; it expires by itself")
        await self.redis.aclose()

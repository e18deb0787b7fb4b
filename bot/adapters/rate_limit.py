"""Fixed-window request counters in Redis, shared by every worker process."""

from __future__ import annotations

import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import StoreError

# One command per check (a turn is counted on every message): count, and on the first
# count of a window make the counter expire.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RateLimiter:
    """Counts requests per subject and window; subjects are already hashes (never an
    address or a token in clear)."""

    def __init__(self, redis: Redis) -> None:
        self._count = redis.register_script(_COUNT)

    async def allow(self, scope: str, subject: str, limit: int, window_seconds: int = 60) -> bool:
        window = int(time.time()) // window_seconds
        key = redis_keys.rate_window(scope, subject, window)
        try:
            count = await self._count(keys=[key], args=[window_seconds * 2])
        except RedisError as err:
            raise StoreError("cannot count requests") from err
        return int(count) <= limit

"""Fixed-window request counters in Redis, shared by every worker process."""

from __future__ import annotations

import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import StoreError


class RateLimiter:
    """Counts requests per subject and window; subjects are already hashes (never an
    address or a token in clear)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def allow(self, scope: str, subject: str, limit: int, window_seconds: int = 60) -> bool:
        window = int(time.time()) // window_seconds
        key = redis_keys.rate_window(scope, subject, window)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, window_seconds * 2)
                count, _ = await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot count requests") from err
        return int(count) <= limit

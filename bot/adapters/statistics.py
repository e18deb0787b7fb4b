"""Counts for the municipality's follow-up: per day, never a text, an id or a time finer
than the day."""

from __future__ import annotations

import time
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import StoreError

KEEP_DAYS = 400  # a year of follow-up, and the same month a year before


class Statistics:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def count_outcome(self, team: str, outcome: str) -> None:
        await self._count(f"outcome:{team}:{outcome}")

    async def counts(self, day: str) -> dict[str, int]:
        try:
            raw = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.statistics(day)))
        except RedisError as err:
            raise StoreError("cannot read statistics") from err
        return {name.decode(): int(value) for name, value in raw.items()}

    async def _count(self, name: str) -> None:
        key = redis_keys.statistics(time.strftime("%Y-%m-%d", time.gmtime()))
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hincrby(key, name, 1)
                pipe.expire(key, KEEP_DAYS * 24 * 3600)
                await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot count") from err

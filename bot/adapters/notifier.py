"""Wake-ups across worker processes: "conversation K has news of this kind". One pub/sub
connection per process carries them all; what the news is stays in Redis, to be read
by whoever was woken (a notice can be lost while reconnecting, so readers also poll)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import StoreError

log = logging.getLogger(__name__)

LISTEN_SECONDS = 0.25  # how long one pub/sub read waits before checking for a stop


class Notifier:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)

    async def announce(self, topic: str, key: str) -> None:
        try:
            await self._redis.publish(redis_keys.notifications(), f"{topic}:{key}")
        except RedisError as err:
            raise StoreError("cannot announce news") from err

    @contextlib.asynccontextmanager
    async def waiting(self, topic: str, key: str) -> AsyncIterator[asyncio.Event]:
        """An event set whenever `topic` news about `key` is announced, in any process."""
        name, event = f"{topic}:{key}", asyncio.Event()
        self._waiters[name].add(event)
        try:
            yield event
        finally:
            self._waiters[name].discard(event)
            if not self._waiters[name]:
                del self._waiters[name]

    async def listen(self, stop: asyncio.Event) -> None:
        """Deliver announcements until `stop` is set. (Stopped by the event, not by
        cancelling: redis-py can hang when a pub/sub read is cancelled while connecting.)"""
        while not stop.is_set():
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(redis_keys.notifications())
                    while not stop.is_set():
                        message = await pubsub.get_message(timeout=LISTEN_SECONDS)
                        if message is not None:
                            for event in self._waiters.get(cast(bytes, message["data"]).decode(), ()):
                                event.set()
            except Exception as err:
                # The Cluster client's pub/sub can fail outside RedisError too (a KeyError
                # while no node has answered yet): without this listener no news arrives.
                if isinstance(err, RedisError | OSError):
                    log.warning("notifications interrupted; listening again")
                else:
                    log.error("notifications failed (%s); listening again", type(err).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1)

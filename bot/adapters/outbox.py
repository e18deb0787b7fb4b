"""Replies that reach a help-seeker later than their own turn (a caseworker's answers):
kept per conversation in an encrypted Redis stream, announced on one pub/sub channel, so
that a channel connection in any worker process can deliver them, and deliver again what
a dropped connection missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.crypto import Encryptor
from bot.core.messages import Option, Reply
from bot.errors import StoreError

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000  # per conversation; far more than any conversation holds
# How often a listener re-reads the stream even without a notification: pub/sub
# messages are lost while the listener reconnects.
POLL_SECONDS = 5.0
LISTEN_SECONDS = 0.25  # how long one pub/sub read waits before checking for a stop


class Outbox:
    def __init__(self, redis: Redis, encryptor: Encryptor, ttl_seconds: int) -> None:
        self._redis = redis
        self._encryptor = encryptor
        self._ttl_seconds = ttl_seconds
        self._waiters: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None

    async def publish(self, conversation_key: str, reply: Reply) -> str:
        """Store a reply for the conversation and wake whoever is connected for it."""
        sealed = self._encryptor.encrypt(json.dumps(asdict(reply)).encode(), _aad(conversation_key))
        stream = redis_keys.conversation_outbox(conversation_key)
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.xadd(stream, {"r": sealed}, maxlen=MAX_ENTRIES, approximate=True)
                pipe.expire(stream, self._ttl_seconds)
                pipe.publish(redis_keys.outbox_notifications(), conversation_key)
                entry_id, *_ = await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot store a reply") from err
        return str(entry_id.decode())

    async def after(self, conversation_key: str, entry_id: str) -> list[tuple[str, Reply]]:
        """Replies stored after `entry_id` ("0" for all), oldest first."""
        try:
            entries = cast(
                list[tuple[bytes, dict[bytes, bytes]]],
                await self._redis.xrange(
                    redis_keys.conversation_outbox(conversation_key), f"({entry_id}", "+"
                ),
            )
        except RedisError as err:
            raise StoreError("cannot read replies") from err
        return [
            (
                raw_id.decode(),
                _reply(json.loads(self._encryptor.decrypt(fields[b"r"], _aad(conversation_key)))),
            )
            for raw_id, fields in entries
        ]

    async def follow(self, conversation_key: str, entry_id: str) -> AsyncIterator[tuple[str, Reply]]:
        """Every reply after `entry_id`, then each new one as it arrives, forever."""
        event = asyncio.Event()
        self._waiters[conversation_key].add(event)
        try:
            while True:
                event.clear()
                for found_id, reply in await self.after(conversation_key, entry_id):
                    entry_id = found_id
                    yield found_id, reply
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), POLL_SECONDS)
        finally:
            self._waiters[conversation_key].discard(event)
            if not self._waiters[conversation_key]:
                del self._waiters[conversation_key]

    async def listen(self, stop: asyncio.Event) -> None:
        """Wake followers when their conversation gets a reply, until `stop` is set.
        (Stopped by the event, not by cancelling: redis-py can hang when a pub/sub read
        is cancelled while it connects.)"""
        while not stop.is_set():
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(redis_keys.outbox_notifications())
                    while not stop.is_set():
                        message = await pubsub.get_message(timeout=LISTEN_SECONDS)
                        if message is not None:
                            self._wake(cast(bytes, message["data"]).decode())
            except (RedisError, OSError):
                log.warning("outbox notifications interrupted; listening again")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1)

    def _wake(self, conversation_key: str) -> None:
        for event in self._waiters.get(conversation_key, ()):
            event.set()


def _aad(conversation_key: str) -> bytes:
    return f"{conversation_key}:outbox".encode()


def _reply(data: dict[str, Any]) -> Reply:
    return Reply(
        text=data["text"],
        language=data["language"],
        direction=data["direction"],
        options=tuple(Option(**o) for o in data["options"]),
        actions=tuple(Option(**o) for o in data["actions"]),
    )

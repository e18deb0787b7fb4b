"""Replies that reach a help-seeker later than their own turn (a caseworker's answers):
kept per conversation in an encrypted Redis stream, announced on one pub/sub channel, so
that a channel connection in any worker process can deliver them, and deliver again what
a dropped connection missed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.crypto import Encryptor
from bot.adapters.notifier import Notifier
from bot.core.messages import Option, Reply
from bot.errors import ConversationNotFound, StoreError

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000  # per conversation; far more than any conversation holds
# Add a reply only while the conversation exists: a reply to a forgotten conversation
# must not bring any of its keys back. KEYS: state, outbox. ARGV: reply, TTL seconds,
# channel to announce on, conversation key.
_PUBLISH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'r', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return id
"""
# How often a listener re-reads the stream even without a notification: pub/sub
# messages are lost while the listener reconnects.
POLL_SECONDS = 5.0
REPLY = "reply"  # the notifier's topic for "this conversation has a new later reply"


class Outbox:
    def __init__(self, redis: Redis, encryptor: Encryptor, ttl_seconds: int, notifier: Notifier) -> None:
        self._redis = redis
        self._encryptor = encryptor
        self._ttl_seconds = ttl_seconds
        self._notifier = notifier
        self._publish = redis.register_script(_PUBLISH)

    async def publish(self, conversation_key: str, reply: Reply) -> str:
        """Store a reply for the conversation and wake whoever is connected for it;
        ConversationNotFound when the conversation has ended."""
        sealed = self._encryptor.encrypt(json.dumps(asdict(reply)).encode(), _aad(conversation_key))
        try:
            entry_id = await self._publish(
                keys=[
                    redis_keys.conversation_state(conversation_key),
                    redis_keys.conversation_outbox(conversation_key),
                ],
                args=[
                    sealed,
                    self._ttl_seconds,
                    redis_keys.notifications(),
                    f"{REPLY}:{conversation_key}",
                    MAX_ENTRIES,
                ],
            )
        except RedisError as err:
            raise StoreError("cannot store a reply") from err
        if entry_id is None:
            raise ConversationNotFound("the conversation has ended")
        return str(entry_id.decode())

    async def announce_end(self, conversation_key: str) -> None:
        """Wake the conversation's followers, in every worker, to find it has ended."""
        await self._notifier.announce(REPLY, conversation_key)

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

    async def follow(
        self, conversation_key: str, entry_id: str, stop: asyncio.Event | None = None
    ) -> AsyncIterator[tuple[str, Reply]]:
        """Every reply after `entry_id`, then each new one as it arrives, until the
        conversation ends (forgotten, quick exit or expired) or `stop` is set. The stop
        is looked at on every round, so the follower ends even if a cancellation is
        lost inside a Redis command."""
        async with self._notifier.waiting(REPLY, conversation_key) as event:
            while not (stop is not None and stop.is_set()) and await self._exists(conversation_key):
                event.clear()
                for found_id, reply in await self.after(conversation_key, entry_id):
                    entry_id = found_id
                    yield found_id, reply
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), POLL_SECONDS)

    async def _exists(self, conversation_key: str) -> bool:
        try:
            return bool(await self._redis.exists(redis_keys.conversation_state(conversation_key)))
        except RedisError as err:
            raise StoreError("cannot read conversation") from err


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

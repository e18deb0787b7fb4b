"""Telegram's limits, kept by every worker process together: at most one message per
second to a chat and 30 messages per second in all (python-telegram-bot's own limiter
does not pace private chats, and knows only its own process). A `RetryAfter` from
Telegram is waited out and the request made again, so nothing is dropped."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.adapters import redis_keys
from bot.errors import StoreError

log = logging.getLogger(__name__)

PER_CHAT_SECONDS = 1.0
ALL_PER_SECOND = 30
RETRIES = 5  # RetryAfter answers waited out per request; then the caller tries later
# Requests that put a new message in a chat: what the limits count. Edits, deletions
# and answers to button presses are not paced (a RetryAfter for them is waited out).
SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"})

# Reserve the first free moment on a schedule, and keep the schedule's next moment an
# interval after it; returns the ms to wait. KEYS: schedule. ARGV: interval ms.
_RESERVE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
local after = at + tonumber(ARGV[1])
redis.call('SET', KEYS[1], after, 'PX', after - now + 1000)
return at - now
"""
# At most N messages in any window, counted when they leave: a message goes now (0) if
# fewer left in the last window, else the ms until the oldest of them is out of it.
# KEYS: the messages of the last window. ARGV: N, window ms, an id for this message.
_IN_WINDOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], 2 * window)
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return math.max(1, oldest + window - now + 1)
"""
# The overall window is a tenth longer than a second: the way to Telegram adds jitter,
# and messages that left just over a second apart may arrive just under it.
ALL_WINDOW_MS = 1100
# Move a schedule's next free moment to `ms` from now, unless it is later already.
# KEYS: schedule. ARGV: ms.
_PUSH = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local free = now + tonumber(ARGV[1])
if free > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], free, 'PX', free - now + 1000)
end
"""


class RedisPacer(BaseRateLimiter[int]):
    def __init__(
        self,
        redis: Redis,
        conversation_key: Callable[[int], str],
        per_chat_seconds: float = PER_CHAT_SECONDS,
        all_per_second: int = ALL_PER_SECOND,
    ) -> None:
        self._reserve = redis.register_script(_RESERVE)
        self._push = redis.register_script(_PUSH)
        self._in_window = redis.register_script(_IN_WINDOW)
        self._conversation_key = conversation_key
        # A tenth more than asked, as for the overall window: the way there adds jitter.
        self._chat_ms = round(per_chat_seconds * 1100)
        self._all = all_per_second

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        for attempt in range(RETRIES + 1):
            if chat_id is not None and endpoint in SENDS:
                await self._wait_turn(int(chat_id))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                if attempt == RETRIES:
                    raise
                seconds = _seconds(err)
                log.warning("Telegram asked to wait %.0f s before %s", seconds, endpoint)
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable")

    async def _wait_turn(self, chat_id: int) -> None:
        """Wait for the chat's next free moment, then until fewer than 30 messages left
        in the last window; the chat's next moment then counts from when this one
        really leaves. The overall count is taken only when the message is ready, so
        one chat's wait never holds up the others. (Two scripts: their keys live in
        different Redis Cluster slots.)"""
        pace = redis_keys.telegram_pace(self._conversation_key(chat_id))
        try:
            chat_wait = int(await self._reserve(keys=[pace], args=[self._chat_ms]))
            if chat_wait > 0:
                await asyncio.sleep(chat_wait / 1000)
            while wait := int(  # noqa: ASYNC110 (the window is in Redis)
                await self._in_window(
                    keys=[redis_keys.telegram_pace_all()],
                    args=[self._all, ALL_WINDOW_MS, secrets.token_hex(8)],
                )
            ):
                await asyncio.sleep(wait / 1000)
            await self._push(keys=[pace], args=[self._chat_ms])
        except RedisError as err:
            raise StoreError("cannot reserve a moment to send") from err


def _seconds(err: RetryAfter) -> float:
    value = err.retry_after  # a timedelta with PTB_TIMEDELTA (see build_telegram), an int before
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)

"""Every message the bot sends to a Telegram chat goes through here: the replies wait,
encrypted, in the conversation's outbox (the same one the web chat reads); a signal in
one Redis stream, read by a consumer group, has one worker deliver them, in order,
paced, and retried until Telegram has them. A worker that dies leaves its signals
pending, and another takes them over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters import redis_keys
from bot.adapters.outbox import Outbox
from bot.adapters.telegram.chats import TelegramChats
from bot.adapters.telegram.rendering import keyboard, message_texts
from bot.core.messages import Reply
from bot.errors import StoreError

log = logging.getLogger(__name__)

GROUP = "deliverers"
READ_BLOCK_MS = 250  # also how long a stop waits for the reader
READ_COUNT = 100
# A signal nobody acknowledged for this long is taken over (its worker died, or its
# delivery failed and is tried again).
RETRY_AFTER_MS = 15_000
LOCK_MS = 60_000
LOCK_POLL_SECONDS = 0.05
MAX_SIGNALS = 100_000


class TelegramDeliveries:
    def __init__(
        self, redis: Redis, bot: Bot, chats: TelegramChats, outbox: Outbox, opener: Callable[[str], str]
    ) -> None:
        self._redis = redis
        self.bot = bot
        self.opener = opener  # the neutral first line of every message, per language
        self.chats = chats
        self._outbox = outbox
        self._consumer = f"{socket.gethostname()}-{secrets.token_hex(4)}"
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: dict[str, list[bytes]] = {}  # signals that came while delivering

    async def publish(self, key: str, replies: tuple[Reply, ...] | list[Reply]) -> None:
        """Queue replies for the conversation's chat (ConversationNotFound when the
        conversation has ended)."""
        for reply in replies:
            await self._outbox.publish(key, reply)
        await self.signal(key)

    async def signal(self, key: str) -> None:
        try:
            await self._redis.xadd(
                redis_keys.telegram_deliveries(), {"k": key}, maxlen=MAX_SIGNALS, approximate=True
            )
        except RedisError as err:
            raise StoreError("cannot queue a delivery") from err

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set."""
        stream = redis_keys.telegram_deliveries()
        while not stop.is_set():
            try:
                with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists
                    await self._redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
                while not stop.is_set():
                    claimed = cast(
                        list[object],
                        await self._redis.xautoclaim(
                            stream, GROUP, self._consumer, RETRY_AFTER_MS, "0-0", count=READ_COUNT
                        ),
                    )
                    self._take(cast(list[tuple[bytes, dict[bytes, bytes]]], claimed[1]))
                    read = cast(
                        list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]],
                        await self._redis.xreadgroup(
                            GROUP, self._consumer, {stream: ">"}, count=READ_COUNT, block=READ_BLOCK_MS
                        ),
                    )
                    for _, entries in read:
                        self._take(entries)
            except (RedisError, OSError):
                log.warning("Telegram deliveries interrupted; reading again")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1)
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
        await self._leave_group(stream)

    async def _leave_group(self, stream: str) -> None:
        """Take this process's name off the group, unless it still holds signals (then
        another worker takes them over, and the name stays until it is empty)."""
        with contextlib.suppress(RedisError, OSError):
            mine = await self._redis.xpending_range(stream, GROUP, "-", "+", 1, consumername=self._consumer)
            if not mine:
                await self._redis.xgroup_delconsumer(stream, GROUP, self._consumer)

    def _take(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        for signal_id, fields in entries:
            if not fields:  # deleted meanwhile
                continue
            key = fields[b"k"].decode()
            self._again.setdefault(key, []).append(signal_id)
            if key not in self._running:
                self._running[key] = asyncio.create_task(self._deliver(key), name="telegram-delivery")

    async def _deliver(self, key: str) -> None:
        lock = redis_keys.telegram_delivery_lock(key)
        token = secrets.token_hex(8)

        async def keep_lock() -> None:
            await self._redis.pexpire(lock, LOCK_MS)

        try:
            while not await self._redis.set(lock, token, nx=True, px=LOCK_MS):  # noqa: ASYNC110 (the lock is in Redis)
                await asyncio.sleep(LOCK_POLL_SECONDS)
            try:
                while signals := self._again.pop(key, []):
                    await self._deliver_pending(key, keep_lock)
                    await self._redis.xack(redis_keys.telegram_deliveries(), GROUP, *signals)
                    await self._redis.xdel(redis_keys.telegram_deliveries(), *signals)
                # No await between finding nothing more and leaving: a signal that comes
                # now starts a new delivery.
                del self._running[key]
            finally:
                if await self._redis.get(lock) == token.encode():
                    await self._redis.delete(lock)
        except (RedisError, StoreError, TelegramError, OSError) as err:
            # Left unacknowledged: tried again after RETRY_AFTER_MS.
            self._again.pop(key, None)
            self._running.pop(key, None)
            log.warning("Telegram delivery failed (%s); it will be tried again", type(err).__name__)

    async def _deliver_pending(self, key: str, keep_lock: Callable[[], Awaitable[None]]) -> None:
        chat = await self.chats.chat(key)
        if chat is None:
            return
        for entry_id, reply in await self._outbox.after(key, chat.cursor):
            markup = keyboard(reply)
            if markup is not None and chat.keyboard is not None:
                await self._remove_buttons(chat.chat_id, chat.keyboard)
            texts = message_texts(self.opener(reply.language), reply.text)
            sent: list[int] = []
            try:
                for number, text in enumerate(texts, 1):
                    buttons = markup if number == len(texts) else None  # under the last part
                    sent.append(
                        (await self.bot.send_message(chat.chat_id, text, reply_markup=buttons)).message_id
                    )
            except Forbidden:
                log.info("Telegram: the person has blocked the bot; replies dropped")
                return
            except BadRequest as err:
                log.error("Telegram refused a reply (%s); skipped", err.message[:80])
                markup = None
            for number, message_id in enumerate(sent, 1):
                done = number == len(sent)
                shows_buttons = None if markup is None or not done else True
                if not await self.chats.record(
                    key, message_id, delivered=entry_id if done else "", keyboard=shows_buttons
                ):
                    await self.delete(chat.chat_id, sent)  # the chat was deleted meanwhile
                    return
            if not sent:
                await self.chats.record(key, None, delivered=entry_id)
            if markup is not None and sent:
                chat = replace(chat, keyboard=sent[-1])
            await keep_lock()  # a long delivery (100 replies take 100 s) keeps its lock

    async def _remove_buttons(self, chat_id: int, message_id: int) -> None:
        with contextlib.suppress(BadRequest):  # already gone, or no longer changeable
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)

    async def delete(self, chat_id: int, message_ids: list[int]) -> None:
        """Delete messages, 100 at a time (Telegram's most); those Telegram no longer
        allows (too old, or the person has blocked the bot) are left."""
        for start in range(0, len(message_ids), 100):
            with contextlib.suppress(BadRequest, Forbidden):
                await self.bot.delete_messages(chat_id, message_ids[start : start + 100])


class TelegramAwareReplies:
    """Later replies (a caseworker's) for any channel: into the conversation's outbox,
    where the web chat finds them, and handed to the Telegram deliveries when the
    conversation is a Telegram chat."""

    def __init__(self, outbox: Outbox, deliveries: TelegramDeliveries) -> None:
        self._outbox = outbox
        self._deliveries = deliveries

    async def publish(self, conversation_key: str, reply: Reply) -> str:
        entry_id = await self._outbox.publish(conversation_key, reply)
        if await self._deliveries.chats.exists(conversation_key):
            await self._deliveries.signal(conversation_key)
        return entry_id

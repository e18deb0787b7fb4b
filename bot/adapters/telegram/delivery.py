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
from collections.abc import Callable
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
SIGNAL_PAUSES = (0.5, 1, 2, 4, 8, 15, 30)  # tries to signal again while Redis is away


class TelegramDeliveries:
    def __init__(
        self, redis: Redis, bot: Bot, chats: TelegramChats, outbox: Outbox, opener: Callable[[str], str]
    ) -> None:
        self._redis = redis
        self.bot = bot
        self._opener = opener  # the neutral first line of every message, per language
        self.chats = chats
        self._outbox = outbox
        self._consumer = f"{socket.gethostname()}-{secrets.token_hex(4)}"
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: dict[str, list[bytes]] = {}  # signals that came while delivering
        self._later: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def publish(self, key: str, replies: tuple[Reply, ...] | list[Reply]) -> None:
        """Queue replies for the conversation's chat (ConversationNotFound when the
        conversation has ended). Once they are in the outbox they are recorded: a
        signal that cannot be given now is given again in the background."""
        for reply in replies:
            await self._outbox.publish(key, reply)
        await self.signal_soon(key)

    async def signal_soon(self, key: str) -> None:
        """Signal now, or, while Redis cannot take it, again in the background."""
        try:
            await self.signal(key)
        except StoreError:
            task = asyncio.create_task(self._signal_later(key), name="telegram-signal")
            self._later.add(task)
            task.add_done_callback(self._later.discard)

    async def _signal_later(self, key: str) -> None:
        for pause in SIGNAL_PAUSES:
            await asyncio.sleep(pause)
            with contextlib.suppress(StoreError):
                await self.signal(key)
                return
        log.error("Telegram: a delivery could not be signalled; it goes with the chat's next message")

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
        self._stopping = True
        for task in [*self._running.values(), *self._later]:
            task.cancel()
        await asyncio.gather(*self._running.values(), *self._later, return_exceptions=True)
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
        token = secrets.token_hex(8)
        signals: list[bytes] = []
        try:
            while not await self.chats.take_lock(key, token, LOCK_MS):  # noqa: ASYNC110 (the lock is in Redis)
                await asyncio.sleep(LOCK_POLL_SECONDS)
            lost = asyncio.Event()
            keeper = asyncio.create_task(self._keep_lock(key, token, lost), name="telegram-lock")
            try:
                while signals := self._again.pop(key, []):
                    await self._deliver_pending(key, token, lost)
                    await self._redis.xack(redis_keys.telegram_deliveries(), GROUP, *signals)
                    await self._redis.xdel(redis_keys.telegram_deliveries(), *signals)
            finally:
                keeper.cancel()
                await asyncio.gather(keeper, return_exceptions=True)
                with contextlib.suppress(StoreError):
                    await self.chats.still_mine(key, token, "", 0)  # release
        except LockLost:
            # The conversation ended (and perhaps a new one began), or another worker took
            # over: its signals go to the next delivery, which takes the lock anew.
            self._again[key] = signals + self._again.get(key, [])
            log.info("Telegram delivery stopped: the chat is no longer this delivery's")
        except (RedisError, StoreError, TelegramError, OSError) as err:
            # Left unacknowledged: taken over again after RETRY_AFTER_MS.
            self._again.pop(key, None)
            log.warning("Telegram delivery failed (%s); it will be tried again", type(err).__name__)
        except Exception as err:
            self._again.pop(key, None)
            log.error(
                "Telegram delivery failed unexpectedly (%s); it will be tried again", type(err).__name__
            )
        finally:
            del self._running[key]
            if self._again.get(key) and not self._stopping:  # signals that came while finishing
                self._running[key] = asyncio.create_task(self._deliver(key), name="telegram-delivery")

    async def _keep_lock(self, key: str, token: str, lost: asyncio.Event) -> None:
        """Renew the lock while delivering (a wait for Telegram can be long); tell when
        it was lost (Redis was away longer than the lock lasts)."""
        while True:
            await asyncio.sleep(LOCK_MS / 3000)
            try:
                held = await self.chats.still_mine(key, token, "", LOCK_MS)
            except StoreError:
                held = True  # not known to be lost; the next renewal tells
            if not held:
                lost.set()
                return

    async def _deliver_pending(self, key: str, token: str, lost: asyncio.Event) -> None:
        chat = await self.chats.chat(key)
        if chat is None:
            return
        mine = (chat.generation, token)
        for entry_id, reply in await self._outbox.after(key, chat.cursor):
            markup = keyboard(reply)
            if markup is not None and chat.keyboard is not None:
                await self._remove_buttons(chat.chat_id, chat.keyboard)
            parts = message_texts(self._opener(reply.language), reply.text)
            for number, text in enumerate(parts, 1):
                # Still this worker's, and still the same conversation (not ended by
                # /exit, perhaps with a new one begun in the same chat)?
                if lost.is_set() or not await self.chats.still_mine(key, token, chat.generation, LOCK_MS):
                    raise LockLost("the chat is no longer this delivery's")
                last = number == len(parts)
                buttons = markup if last else None  # under the last part
                try:
                    sent = await self.bot.send_message(chat.chat_id, text, reply_markup=buttons)
                except Forbidden:
                    log.info("Telegram: the person has blocked the bot; replies dropped")
                    return
                except BadRequest:
                    log.error("Telegram refused a reply; skipped")
                    await self.chats.record(key, None, delivered=entry_id, by=mine)
                    break
                # Each part is noted as soon as it is sent, so that /exit finds it.
                if not await self.chats.record(
                    key,
                    sent.message_id,
                    delivered=entry_id if last else "",
                    shows_buttons=buttons is not None,
                    by=mine,
                ):
                    await self.delete(chat.chat_id, [sent.message_id])  # it is not this chat's any more
                    return
                if buttons is not None:
                    chat = replace(chat, keyboard=sent.message_id)

    async def _remove_buttons(self, chat_id: int, message_id: int) -> None:
        with contextlib.suppress(BadRequest):  # already gone, or no longer changeable
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)

    async def delete(self, chat_id: int, message_ids: list[int]) -> None:
        """Delete messages, 100 at a time (Telegram's most); those Telegram no longer
        allows (too old, or the person has blocked the bot) are left."""
        for start in range(0, len(message_ids), 100):
            with contextlib.suppress(BadRequest, Forbidden):
                await self.bot.delete_messages(chat_id, message_ids[start : start + 100])


class LockLost(Exception):
    """The chat is no longer this delivery's: its lock ran out, or the conversation
    ended."""


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
            await self._deliveries.signal_soon(conversation_key)
        return entry_id

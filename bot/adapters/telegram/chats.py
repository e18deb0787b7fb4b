"""What the Telegram channel keeps about a chat, encrypted, in Redis: where the chat is,
which message carries the current buttons, how far the replies were delivered, and the
id of every message in it (both sides), so that the chat can be deleted. Also who may
deliver to it (a lock) and when it is to be cleaned."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Literal, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.crypto import Encryptor
from bot.errors import StoreError

# Telegram lets a bot delete a message for 48 hours; stay well inside that.
DELETABLE_SECONDS = 47 * 3600
# A chat is cleaned at the latest this long after its oldest message not yet cleaned,
# however busy it has been since (the cleaner then has an hour to spare).
CLEAN_AT_THE_LATEST_SECONDS = 46 * 3600
CLEANING_LEASE_SECONDS = 300  # a cleaner that dies gives its chats back after this
NOTE_EVERY_SECONDS = 60  # notes about what the bot cannot read: at most one a minute
TAKEN = "taken:"  # the buttons were pressed, by the update that follows

# KEYS: chat, messages. ARGV: chat id (sealed), TTL seconds, a new generation.
# Returns 1 when the chat is new.
_REMEMBER = """
local new = redis.call('HSETNX', KEYS[1], 'chat', ARGV[1])
if new == 1 then redis.call('HSET', KEYS[1], 'gen', ARGV[3]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return new
"""
# Only while the chat is the same one (a /exit and a new /start make a new generation)
# and, for a delivery, while the worker still holds the lock: a message still in flight
# must not land in the keys of another conversation. KEYS: chat, messages, lock.
# ARGV: message (sealed; '' if none), TTL seconds, outbox entry delivered ('' if none),
# keyboard (sealed id of this message, now current; '': keep), generation ('' for any), lock token ('' for
# none), now. Returns 0 when refused, else when the oldest uncleaned message was sent.
_RECORD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[5] ~= '' and redis.call('HGET', KEYS[1], 'gen') ~= ARGV[5] then return 0 end
if ARGV[6] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[6] then return 0 end
if ARGV[1] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('HSETNX', KEYS[1], 'first', ARGV[7])
end
if ARGV[3] ~= '' then
  -- The cursor only moves forward (stream ids are "milliseconds-sequence").
  local old = redis.call('HGET', KEYS[1], 'cursor') or '0-0'
  local old_ms, old_seq = string.match(old, '^(%d+)-?(%d*)$')
  local new_ms, new_seq = string.match(ARGV[3], '^(%d+)-?(%d*)$')
  old_ms, old_seq = tonumber(old_ms), tonumber(old_seq) or 0
  new_ms, new_seq = tonumber(new_ms), tonumber(new_seq) or 0
  if new_ms > old_ms or (new_ms == old_ms and new_seq > old_seq) then
    redis.call('HSET', KEYS[1], 'cursor', ARGV[3])
  end
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'keyboard', ARGV[4]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return redis.call('HGET', KEYS[1], 'first') or ARGV[7]
"""
# The message ids; with 'clean' they are dropped, with 'forget' every key of the chat
# is. KEYS: chat, messages, and the chat's other keys. ARGV: peek, clean or forget.
# Returns {chat, messages...}.
_TAKE = """
local chat = redis.call('HGET', KEYS[1], 'chat')
local messages = redis.call('LRANGE', KEYS[2], 0, -1)
if ARGV[1] == 'forget' then redis.call('DEL', unpack(KEYS))
elseif ARGV[1] == 'clean' then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'keyboard', 'first')
end
table.insert(messages, 1, chat or '')
return messages
"""
# Take the current buttons for one update: of two presses at the same moment, one wins;
# the same update, sent again by Telegram after a failure, takes them again.
# KEYS: chat. ARGV: the stored (sealed) value of the pressed message, TAKEN .. update id.
_CLAIM_BUTTONS = """
local current = redis.call('HGET', KEYS[1], 'keyboard')
if current == ARGV[1] or current == ARGV[2] then
  redis.call('HSET', KEYS[1], 'keyboard', ARGV[2])
  return 1
end
return 0
"""
# While the lock is this worker's and the chat is the same one: renew the lock.
# KEYS: lock, chat. ARGV: token, generation ('' for any), ms (0: release).
_STILL_MINE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) return 1 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[2], 'gen') ~= ARGV[2] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
# Lease the chats due by now to one cleaner. KEYS: schedule. ARGV: now, lease end, most.
_LEASE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, key in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], key) end
return due
"""
# Done with a leased chat, unless a new message has scheduled it again meanwhile.
# KEYS: schedule. ARGV: conversation key, lease end.
_CLEANED = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('ZREM', KEYS[1], ARGV[1]) end
"""
TakeMode = Literal["peek", "clean", "forget"]
NoteKind = Literal["unreadable", "too-many"]


@dataclass(frozen=True, slots=True)
class Chat:
    chat_id: int
    generation: str  # new after each /exit: replies of an ended conversation stay out
    keyboard: int | None  # the message whose buttons are current
    cursor: str  # the last outbox entry delivered ("0": none)


class TelegramChats:
    def __init__(
        self, redis: Redis, encryptor: Encryptor, ttl_seconds: int, clean_after_seconds: int = 0
    ) -> None:
        self._redis = redis
        self._encryptor = encryptor
        self._ttl_seconds = ttl_seconds
        self.clean_after_seconds = clean_after_seconds
        self._remember = redis.register_script(_REMEMBER)
        self._record = redis.register_script(_RECORD)
        self._take = redis.register_script(_TAKE)
        self._claim_buttons = redis.register_script(_CLAIM_BUTTONS)
        self._still_mine = redis.register_script(_STILL_MINE)
        self._lease_due = redis.register_script(_LEASE_DUE)
        self._cleaned = redis.register_script(_CLEANED)

    async def remember(self, key: str, chat_id: int) -> bool:
        """Keep where the conversation's chat is; True when it was not known before."""
        sealed = self._encryptor.encrypt(str(chat_id).encode(), _aad(key, "chat"))
        try:
            new = await self._remember(
                keys=redis_keys.telegram_keys(key), args=[sealed, self._ttl_seconds, secrets.token_hex(8)]
            )
        except RedisError as err:
            raise StoreError("cannot store the chat") from err
        return bool(new)

    async def chat(self, key: str) -> Chat | None:
        try:
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.telegram_chat(key)))
        except RedisError as err:
            raise StoreError("cannot read the chat") from err
        if b"chat" not in fields:
            return None
        return Chat(
            chat_id=int(self._encryptor.decrypt(fields[b"chat"], _aad(key, "chat"))),
            generation=fields.get(b"gen", b"").decode(),
            keyboard=self._keyboard(key, fields.get(b"keyboard")),
            cursor=fields.get(b"cursor", b"0").decode(),
        )

    async def record(
        self,
        key: str,
        message_id: int | None,
        *,
        delivered: str = "",
        shows_buttons: bool = False,
        by: tuple[str, str] | None = None,
    ) -> bool:
        """Note a message of the chat (and, for the bot's, which reply it delivered and
        whether its buttons are now the current ones: `shows_buttons`). `by` is the delivering worker's
        (generation, lock token). False when the chat has ended, or another worker
        delivers to it now: the message should go."""
        now = time.time()
        sealed = (
            b""
            if message_id is None
            else self._encryptor.encrypt(f"{message_id}:{now:.0f}".encode(), _aad(key, "message"))
        )
        marker = (
            self._encryptor.encrypt(str(message_id).encode(), _aad(key, "keyboard")) if shows_buttons else b""
        )
        generation, token = by or ("", "")
        try:
            first = await self._record(
                keys=redis_keys.telegram_keys(key),
                args=[sealed, self._ttl_seconds, delivered, marker, generation, token, f"{now:.0f}"],
            )
        except RedisError as err:
            raise StoreError("cannot store a message id") from err
        if not first:
            return False
        if message_id is not None and self.clean_after_seconds:
            # Quiet for the configured time, and never later than the oldest message allows.
            due = min(now + self.clean_after_seconds, float(first) + CLEAN_AT_THE_LATEST_SECONDS)
            await self._schedule_cleaning(key, due)
        return True

    async def _schedule_cleaning(self, key: str, at: float) -> None:
        schedule = redis_keys.telegram_cleanups()
        try:
            await self._redis.zadd(schedule, {key: at})
            if not await self._redis.exists(redis_keys.telegram_chat(key)):
                await self._redis.zrem(schedule, key)  # /exit came in between: keep no trace
        except RedisError as err:
            raise StoreError("cannot schedule the chat's cleaning") from err

    async def claim_buttons(self, key: str, message_id: int, update_id: int) -> bool:
        """Take the buttons of a pressed message: True only when they are the current
        ones and no other update took them first."""
        chat_key = redis_keys.telegram_chat(key)
        try:
            current = cast(bytes | None, await self._redis.hget(chat_key, "keyboard"))
            current_id = self._keyboard(key, current)
            pressed = current if current is not None and current_id == message_id else b""
            return bool(await self._claim_buttons(keys=[chat_key], args=[pressed, f"{TAKEN}{update_id}"]))
        except RedisError as err:
            raise StoreError("cannot update the chat") from err

    async def may_note(self, key: str, kind: NoteKind) -> bool:
        """Whether a note of this kind may be sent now."""
        try:
            return bool(
                await self._redis.set(redis_keys.telegram_noted(key, kind), 1, nx=True, ex=NOTE_EVERY_SECONDS)
            )
        except RedisError as err:
            raise StoreError("cannot read the chat") from err

    async def take_messages(self, key: str, *, mode: TakeMode) -> tuple[int | None, list[int]]:
        """The chat and the ids of its messages that can still be deleted ("peek");
        dropped from the store at once ("clean"), with every key of the chat ("forget")."""
        try:
            raw = cast(list[bytes], await self._take(keys=redis_keys.telegram_keys(key), args=[mode]))
            if mode == "forget":
                await self._redis.zrem(redis_keys.telegram_cleanups(), key)
        except RedisError as err:
            raise StoreError("cannot read the chat's messages") from err
        sealed_chat, *messages = raw
        if not sealed_chat:
            return None, []
        oldest = time.time() - DELETABLE_SECONDS
        deletable = []
        for sealed in messages:
            message_id, _, sent_at = self._encryptor.decrypt(sealed, _aad(key, "message")).partition(b":")
            if float(sent_at) >= oldest:
                deletable.append(int(message_id))
        return int(self._encryptor.decrypt(sealed_chat, _aad(key, "chat"))), deletable

    async def lease_due(self, now: float, limit: int = 50) -> tuple[list[str], float]:
        """Chats due for cleaning, leased to the caller (another cleaner takes them if it
        dies), and the lease's end, for `cleaned`."""
        lease = round(now + CLEANING_LEASE_SECONDS)
        try:
            due = cast(
                list[bytes],
                await self._lease_due(keys=[redis_keys.telegram_cleanups()], args=[now, lease, limit]),
            )
        except RedisError as err:
            raise StoreError("cannot read the cleaning schedule") from err
        return [raw.decode() for raw in due], lease

    async def cleaned(self, key: str, lease: float) -> None:
        try:
            await self._cleaned(keys=[redis_keys.telegram_cleanups()], args=[key, lease])
        except RedisError as err:
            raise StoreError("cannot update the cleaning schedule") from err

    async def take_lock(self, key: str, token: str, ms: int) -> bool:
        try:
            return bool(await self._redis.set(redis_keys.telegram_delivery_lock(key), token, nx=True, px=ms))
        except RedisError as err:
            raise StoreError("cannot take the delivery lock") from err

    async def still_mine(self, key: str, token: str, generation: str, ms: int) -> bool:
        """Renew the delivery lock (ms = 0: release it) while it is this worker's and
        the chat the same one (generation "": whichever)."""
        try:
            return bool(
                await self._still_mine(
                    keys=[redis_keys.telegram_delivery_lock(key), redis_keys.telegram_chat(key)],
                    args=[token, generation, ms],
                )
            )
        except RedisError as err:
            raise StoreError("cannot renew the delivery lock") from err

    async def exists(self, key: str) -> bool:
        try:
            return bool(await self._redis.exists(redis_keys.telegram_chat(key)))
        except RedisError as err:
            raise StoreError("cannot read the chat") from err

    def _keyboard(self, key: str, sealed: bytes | None) -> int | None:
        if sealed is None or sealed.startswith(TAKEN.encode()):
            return None
        return int(self._encryptor.decrypt(sealed, _aad(key, "keyboard")))


def _aad(key: str, field: str) -> bytes:
    return f"{key}:telegram-{field}".encode()

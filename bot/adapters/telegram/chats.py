"""What the Telegram channel keeps about a chat, encrypted, in Redis: where the chat is,
which message carries the current buttons, how far the replies were delivered, and the
id of every message in it (both sides), so that the chat can be deleted."""

from __future__ import annotations

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
NO_KEYBOARD = "-"

# KEYS: chat, messages. ARGV: chat id (sealed), TTL seconds. Returns 1 when the chat is new.
_REMEMBER = """
local new = redis.call('HSETNX', KEYS[1], 'chat', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return new
"""
# Only while the chat is known: after /exit a message still in flight must not bring
# the keys back. KEYS: chat, messages. ARGV: message (sealed; '' if none), TTL seconds, outbox
# entry delivered ('' if none), keyboard message (sealed; NO_KEYBOARD: none; '': keep).
_RECORD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[1]) end
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
if ARGV[4] == '-' then redis.call('HDEL', KEYS[1], 'keyboard')
elseif ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'keyboard', ARGV[4]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""
# The message ids; with 'clean' they are dropped, with 'forget' every key of the chat
# is. KEYS: chat, messages, and the chat's other keys. ARGV: peek, clean or forget. Returns {chat, messages...}.
_TAKE = """
local chat = redis.call('HGET', KEYS[1], 'chat')
local messages = redis.call('LRANGE', KEYS[2], 0, -1)
if ARGV[1] == 'forget' then redis.call('DEL', unpack(KEYS))
elseif ARGV[1] == 'clean' then redis.call('DEL', KEYS[2]); redis.call('HDEL', KEYS[1], 'keyboard') end
table.insert(messages, 1, chat or '')
return messages
"""
TakeMode = Literal["peek", "clean", "forget"]
# Take the buttons of a message only if they are still the current ones: of two presses
# at the same moment, one wins. KEYS: chat. ARGV: the stored (sealed) keyboard value.
_CLAIM_BUTTONS = """
if redis.call('HGET', KEYS[1], 'keyboard') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'keyboard')
  return 1
end
return 0
"""
NOTE_EVERY_SECONDS = 60  # notes about what the bot cannot read: at most one a minute


@dataclass(frozen=True, slots=True)
class Chat:
    chat_id: int
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

    async def remember(self, key: str, chat_id: int) -> bool:
        """Keep where the conversation's chat is; True when it was not known before."""
        sealed = self._encryptor.encrypt(str(chat_id).encode(), _aad(key, "chat"))
        try:
            new = await self._remember(keys=redis_keys.telegram_keys(key), args=[sealed, self._ttl_seconds])
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
        keyboard = fields.get(b"keyboard")
        return Chat(
            chat_id=int(self._encryptor.decrypt(fields[b"chat"], _aad(key, "chat"))),
            keyboard=None if keyboard is None else self._keyboard(key, keyboard),
            cursor=fields.get(b"cursor", b"0").decode(),
        )

    def _keyboard(self, key: str, sealed: bytes) -> int:
        return int(self._encryptor.decrypt(sealed, _aad(key, "keyboard")))

    async def record(
        self,
        key: str,
        message_id: int | None,
        *,
        delivered: str = "",
        keyboard: bool | None = None,
        keyboard_message: int | None = None,
    ) -> bool:
        """Note a message of the chat (and, for the bot's, which reply it delivered and
        whether its buttons are now the current ones); False when the chat has been
        deleted meanwhile, and the message should go too."""
        now = time.time()
        sealed = (
            b""
            if message_id is None
            else self._encryptor.encrypt(f"{message_id}:{now:.0f}".encode(), _aad(key, "message"))
        )
        if keyboard is None:
            marker: bytes | str = ""
        elif keyboard:
            shown = message_id if keyboard_message is None else keyboard_message
            marker = self._encryptor.encrypt(str(shown).encode(), _aad(key, "keyboard"))
        else:
            marker = NO_KEYBOARD
        try:
            recorded = await self._record(
                keys=redis_keys.telegram_keys(key), args=[sealed, self._ttl_seconds, delivered, marker]
            )
        except RedisError as err:
            raise StoreError("cannot store a message id") from err
        if recorded and self.clean_after_seconds:
            await self.schedule_cleaning(key, now + self.clean_after_seconds)
        return bool(recorded)

    async def schedule_cleaning(self, key: str, at: float) -> None:
        try:
            await self._redis.zadd(redis_keys.telegram_cleanups(), {key: at})
        except RedisError as err:
            raise StoreError("cannot schedule the chat's cleaning") from err

    async def claim_buttons(self, key: str, message_id: int) -> bool:
        """Take the buttons of a pressed message: True only when they were the current
        ones and nobody took them first."""
        chat_key = redis_keys.telegram_chat(key)
        try:
            sealed = cast(bytes | None, await self._redis.hget(chat_key, "keyboard"))
            if sealed is None or self._keyboard(key, sealed) != message_id:
                return False
            return bool(await self._claim_buttons(keys=[chat_key], args=[sealed]))
        except RedisError as err:
            raise StoreError("cannot update the chat") from err

    async def give_buttons_back(self, key: str, message_id: int) -> None:
        """A press that could not be recorded: its buttons count again, so that the
        press Telegram sends again is taken."""
        await self.record(key, None, keyboard=True, keyboard_message=message_id)

    async def may_note(self, key: str) -> bool:
        """Whether a note about what the bot cannot read may be sent now."""
        try:
            return bool(
                await self._redis.set(redis_keys.telegram_noted(key), 1, nx=True, ex=NOTE_EVERY_SECONDS)
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

    async def due_for_cleaning(self, now: float, limit: int = 50) -> list[str]:
        """Conversations whose chat is due to be cleaned; each is given to one caller."""
        try:
            due = cast(
                list[bytes],
                await self._redis.zrangebyscore(redis_keys.telegram_cleanups(), "-inf", now, 0, limit),
            )
            taken = []
            for raw in due:
                if await self._redis.zrem(redis_keys.telegram_cleanups(), raw):
                    taken.append(raw.decode())
        except RedisError as err:
            raise StoreError("cannot read the cleaning schedule") from err
        return taken

    async def exists(self, key: str) -> bool:
        try:
            return bool(await self._redis.exists(redis_keys.telegram_chat(key)))
        except RedisError as err:
            raise StoreError("cannot read the chat") from err


def _aad(key: str, field: str) -> bytes:
    return f"{key}:telegram-{field}".encode()

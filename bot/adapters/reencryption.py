"""Re-encrypting every stored value under the current key, while Fristad runs.

Each value is replaced only if it is still the ciphertext that was read (a Lua
compare-and-set), so a turn or a caseworker's reply written meanwhile is never lost; a
value that changed is simply read again on the next pass. Every encrypted value lives
in one of the kinds below, with the associated data its own store uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import outbox, redis_keys
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import SEPARATOR, Encryptor
from bot.adapters.telegram import chats
from bot.errors import DecryptionError, StoreError

_CONVERSATION = re.compile(r"\{([0-9a-f]+)\}")

_LIST_VALUE = """
local at = redis.call('LPOS', KEYS[1], ARGV[1])
if not at then return 0 end
redis.call('LSET', KEYS[1], at, ARGV[2])
return 1
"""

_HASH_FIELD = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
"""

# A stream entry cannot be changed in place: the stream is copied with the same entry ids
# (readers keep their place) and renamed over the old one, if nothing changed meanwhile.
# KEYS: stream, scratch key. ARGV: field, entries read, then (id, old, new) triples.
_STREAM = """
if redis.call('XLEN', KEYS[1]) ~= tonumber(ARGV[2]) then return 0 end
local replace = {}
for i = 3, #ARGV, 3 do replace[ARGV[i]] = {ARGV[i + 1], ARGV[i + 2]} end
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last
for i = 1, #info, 2 do if info[i] == 'last-generated-id' then last = info[i + 1] end end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[2])
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local change = replace[entry[1]]
  for j = 1, #fields, 2 do
    if change and fields[j] == ARGV[1] then
      if fields[j + 1] ~= change[1] then redis.call('DEL', KEYS[2]) return 0 end
      fields[j + 1] = change[2]
    end
  end
  redis.call('XADD', KEYS[2], entry[1], unpack(fields))
end
redis.call('XSETID', KEYS[2], last)
redis.call('RENAME', KEYS[2], KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
"""


@dataclass(frozen=True)
class _Kind:
    name: str
    key_of: Callable[[str], str]  # conversation key -> Redis key
    associated: Callable[[str], bytes]  # conversation key -> associated data
    shape: str  # "list", "hash:<field>" or "stream:<field>"


# The stores' own associated data (their private helpers), so a value stays where its
# store reads it.
KINDS = (
    _Kind(
        "transcript",
        redis_keys.conversation_transcript,
        RedisConversationStore._transcript_aad,
        "list",
    ),
    _Kind("notes", redis_keys.conversation_notes, RedisConversationStore._notes_aad, "list"),
    _Kind("outbox", redis_keys.conversation_outbox, outbox._aad, "stream:r"),
    _Kind("telegram chat", redis_keys.telegram_chat, lambda k: chats._aad(k, "chat"), "hash:chat"),
    _Kind(
        "telegram buttons",
        redis_keys.telegram_chat,
        lambda k: chats._aad(k, "keyboard"),
        "hash:keyboard",
    ),
    _Kind(
        "telegram messages",
        redis_keys.telegram_messages,
        lambda k: chats._aad(k, "message"),
        "list",
    ),
)


@dataclass
class Tally:
    """Encrypted values found per key id, and how many were re-encrypted."""

    by_key: Counter[str]
    reencrypted: int = 0
    changed_meanwhile: int = 0  # written by Fristad while being read: done next pass


class Reencryption:
    def __init__(self, redis: Redis, encryptor: Encryptor) -> None:
        self._redis = redis
        self._encryptor = encryptor
        self._list = redis.register_script(_LIST_VALUE)
        self._hash = redis.register_script(_HASH_FIELD)
        self._stream = redis.register_script(_STREAM)

    async def count(self) -> Counter[str]:
        """Stored values per encryption key id."""
        return (await self._walk(rewrite=False)).by_key

    async def run(self) -> Tally:
        """Re-encrypt every value not under the current key; what was found before."""
        return await self._walk(rewrite=True)

    async def _walk(self, rewrite: bool) -> Tally:
        tally = Tally(Counter())
        try:
            for kind in KINDS:
                async for conversation_key in self._conversations(kind):
                    await self._one(kind, conversation_key, rewrite, tally)
        except RedisError as err:
            raise StoreError("cannot re-encrypt") from err
        return tally

    async def _conversations(self, kind: _Kind) -> AsyncIterator[str]:
        async for raw in self._redis.scan_iter(match=kind.key_of("*"), count=500):
            if match := _CONVERSATION.search(cast(bytes, raw).decode()):
                yield match.group(1)

    async def _one(self, kind: _Kind, conversation_key: str, rewrite: bool, tally: Tally) -> None:
        key, associated = kind.key_of(conversation_key), kind.associated(conversation_key)
        shape, _, field = kind.shape.partition(":")
        if shape == "list":
            values = cast(list[bytes], await self._redis.lrange(key, 0, -1))
            for value in values:
                if (new := self._renewed(value, associated, tally)) is not None and rewrite:
                    self._counted(tally, await self._list(keys=[key], args=[value, new]))
        elif shape == "hash":
            stored = cast(bytes | None, await self._redis.hget(key, field))
            if stored and (new := self._renewed(stored, associated, tally)) is not None and rewrite:
                self._counted(tally, await self._hash(keys=[key], args=[field, stored, new]))
        else:
            entries = cast(list[tuple[bytes, dict[bytes, bytes]]], await self._redis.xrange(key))
            triples: list[bytes] = []
            for entry_id, fields in entries:
                sealed = fields.get(field.encode())
                if sealed and (new := self._renewed(sealed, associated, tally)) is not None:
                    triples += [entry_id, sealed, new]
            if triples and rewrite:
                scratch = f"{key}-reencrypting"  # the same hash tag: the same Cluster slot
                done = await self._stream(keys=[key, scratch], args=[field, len(entries), *triples])
                for _ in range(len(triples) // 3):
                    self._counted(tally, done)

    def _renewed(self, value: bytes, associated: bytes, tally: Tally) -> bytes | None:
        """The value under the current key, or None when it is under it already (or is
        not a ciphertext: a Telegram button marker)."""
        if SEPARATOR not in value:
            return None
        key_id = self._encryptor.key_id_of(value)
        tally.by_key[key_id] += 1
        if key_id == self._encryptor.current_id:
            return None
        try:
            return self._encryptor.encrypt(self._encryptor.decrypt(value, associated), associated)
        except DecryptionError:
            tally.by_key[f"{key_id} (unreadable)"] += 1
            return None

    @staticmethod
    def _counted(tally: Tally, done: object) -> None:
        if done:
            tally.reencrypted += 1
        else:
            tally.changed_meanwhile += 1

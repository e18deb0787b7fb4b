"""Conversations in Redis: state as a small hash, the transcript as a list of
encrypted entries, both with a TTL, saved together by one script."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.crypto import Encryptor
from bot.core.conversation import Conversation, Speaker, Status, TranscriptEntry
from bot.errors import StoreError

# Compare-and-set of the state, append to the transcript and TTLs, in one atomic step.
# KEYS: state, transcript. ARGV: expected revision, state TTL ms, transcript TTL ms,
# number of field arguments, the fields (name, value, ...), then the transcript entries.
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'rev') or '0'
if current ~= ARGV[1] then return 0 end
local nfields = tonumber(ARGV[4])
local fields = {}
for i = 5, 4 + nfields do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(ARGV[1]) + 1), unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local entries = {}
for i = 5 + nfields, #ARGV do entries[#entries + 1] = ARGV[i] end
if #entries > 0 then redis.call('RPUSH', KEYS[2], unpack(entries)) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1
"""


@dataclass(frozen=True, slots=True)
class TranscriptRecord:
    speaker: Speaker
    text: str
    at: int  # unix seconds


class RedisConversationStore:
    """The ConversationStore port on Redis. Takes its client from outside and does not
    close it: whoever made the client owns it."""

    def __init__(self, redis: Redis, encryptor: Encryptor, ttl_seconds: int) -> None:
        self._redis = redis
        self._encryptor = encryptor
        self._ttl_ms = ttl_seconds * 1000
        self._save = redis.register_script(_SAVE)

    async def load(self, key: str) -> Conversation | None:
        try:
            # The client does not decode responses: values are bytes.
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.conversation_state(key)))
        except RedisError as err:
            raise StoreError("cannot read conversation") from err
        if not fields:
            return None
        f = {k.decode(): v.decode() for k, v in fields.items()}
        return Conversation(
            key=key,
            flow=f["flow"],
            flow_version=f["ver"],
            state=f["state"],
            language=f["lang"],
            status=cast(Status, f["status"]),
            team=f["team"] or None,
            danger=f["danger"] == "1",
            revision=int(f["rev"]),
        )

    async def save(self, conversation: Conversation, transcript: Sequence[TranscriptEntry]) -> bool:
        key = conversation.key
        fields = (
            "flow", conversation.flow,
            "ver", conversation.flow_version,
            "state", conversation.state,
            "lang", conversation.language,
            "status", conversation.status,
            "team", conversation.team or "",
            "danger", "1" if conversation.danger else "0",
        )  # fmt: skip
        now = int(time.time())
        associated = self._transcript_aad(key)
        entries = [
            self._encryptor.encrypt(json.dumps({"s": e.speaker, "t": e.text, "at": now}).encode(), associated)
            for e in transcript
        ]
        args = [conversation.revision, self._ttl_ms, self._ttl_ms, len(fields), *fields, *entries]
        try:
            saved = await self._save(keys=list(redis_keys.conversation_keys(key)), args=args)
        except RedisError as err:
            raise StoreError("cannot save conversation") from err
        return bool(saved)

    async def forget(self, key: str) -> None:
        try:
            await self._redis.delete(*redis_keys.conversation_keys(key))
        except RedisError as err:
            raise StoreError("cannot delete conversation") from err

    async def transcript(self, key: str) -> list[TranscriptRecord]:
        try:
            values = cast(
                list[bytes], await self._redis.lrange(redis_keys.conversation_transcript(key), 0, -1)
            )
        except RedisError as err:
            raise StoreError("cannot read transcript") from err
        associated = self._transcript_aad(key)
        records = []
        for value in values:
            data = json.loads(self._encryptor.decrypt(value, associated))
            records.append(TranscriptRecord(data["s"], data["t"], data["at"]))
        return records

    @staticmethod
    def _transcript_aad(key: str) -> bytes:
        return f"{key}:transcript".encode()

"""Conversations in Redis: state as a small hash (revision and data), the transcript as a
list of encrypted turns, both with a TTL, saved together by one script."""

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
from bot.adapters.script_batch import ScriptBatch
from bot.core.conversation import Conversation, Speaker, Status, TranscriptEntry
from bot.errors import StoreError

# Compare-and-set of the state, append to the transcript and TTLs, in one atomic step.
# KEYS: state, transcript. ARGV: expected revision, TTL ms, state data, then transcript entries.
_SAVE = """
local current = redis.call('HGET', KEYS[1], 'rev') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'rev', tostring(tonumber(ARGV[1]) + 1), 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if #ARGV > 3 then redis.call('RPUSH', KEYS[2], unpack(ARGV, 4)) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
"""


# Load the state and count the turn in one round trip; nothing is counted for a
# conversation that does not exist. KEYS: state, turns. ARGV: this minute, the minute
# before (its count is dropped), TTL of the counts in seconds.
_LOAD_FOR_TURN = """
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return {fields, 0} end
local turns = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return {fields, turns}
"""
TURN_WINDOW_SECONDS = 60

# json.dumps with other than the default options builds an encoder at every call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))

# Add to a list of a conversation that still exists. KEYS: state, list. ARGV: TTL ms, value.
_APPEND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
"""

# A caseworker ended the case: what was said and the notes are kept for the retention
# after close (0: not at all), never longer than the conversation would be. The outbox
# is only a way to the person: with nothing kept after close, it keeps what may still be
# on its way, for a short while. KEYS: transcript, notes, outbox. ARGV: ms to keep (0:
# delete), ms to keep what may still be on its way, the oldest outbox id then to keep.
_CLOSE = """
if ARGV[1] == '0' then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('XTRIM', KEYS[3], 'MINID', ARGV[3])
  if redis.call('XLEN', KEYS[3]) == 0 then redis.call('DEL', KEYS[3])
  else redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
else
  for _, key in ipairs(KEYS) do
    local left = redis.call('PTTL', key)
    if left == -1 or left > tonumber(ARGV[1]) then redis.call('PEXPIRE', key, ARGV[1]) end
  end
end
return 1
"""
# How long, with nothing kept after close, the outbox keeps the replies of the last
# moments (the goodbye, a caseworker's last answer) for a channel still delivering them.
DELIVERY_GRACE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class TranscriptRecord:
    speaker: Speaker
    text: str
    at: int  # unix seconds


class RedisConversationStore:
    """The ConversationStore port on Redis. Takes its client from outside and does not
    close it: whoever made the client owns it."""

    def __init__(
        self,
        redis: Redis,
        encryptor: Encryptor,
        ttl_seconds: int,
        after_close_seconds: int | None = None,
    ) -> None:
        """`after_close_seconds`: how long a transcript is kept after its case ends (0:
        deleted then; None: as long as the conversation)."""
        self._redis = redis
        self._encryptor = encryptor
        self._ttl_ms = ttl_seconds * 1000
        # The counts never outlive the conversation they count.
        self._turns_ttl_seconds = min(2 * TURN_WINDOW_SECONDS, ttl_seconds)
        after_close = ttl_seconds if after_close_seconds is None else after_close_seconds
        self._after_close_ms = min(after_close, ttl_seconds) * 1000
        self._save = redis.register_script(_SAVE)
        self._load_for_turn = redis.register_script(_LOAD_FOR_TURN)
        self._append = redis.register_script(_APPEND)
        self._close = redis.register_script(_CLOSE)
        self._batch = ScriptBatch(redis)  # the turns' load and save, many turns in one round trip

    async def load(self, key: str) -> Conversation | None:
        try:
            # The client does not decode responses: values are bytes.
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.conversation_state(key)))
        except RedisError as err:
            raise StoreError("cannot read conversation") from err
        return self._conversation(key, fields)

    async def load_for_turn(self, key: str) -> tuple[Conversation | None, int]:
        minute = int(time.time()) // TURN_WINDOW_SECONDS
        try:
            flat, turns = await self._batch.call(
                self._load_for_turn,
                [redis_keys.conversation_state(key), redis_keys.conversation_turns(key)],
                [minute, minute - 1, self._turns_ttl_seconds],
            )
        except RedisError as err:
            raise StoreError("cannot read conversation") from err
        fields = dict(zip(flat[::2], flat[1::2], strict=True))
        return self._conversation(key, fields), int(turns)

    @staticmethod
    def _conversation(key: str, fields: dict[bytes, bytes]) -> Conversation | None:
        if not fields:
            return None
        try:
            data = json.loads(fields[b"data"])
            return Conversation(
                key=key,
                flow=data["flow"],
                flow_version=data["ver"],
                state=data["state"],
                language=data["lang"],
                status=cast(Status, data["status"]),
                team=data["team"],
                danger=data["danger"],
                municipality=data.get("mun"),
                topic=data.get("topic"),
                revision=int(fields[b"rev"]),
            )
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError("stored conversation is unreadable") from err

    async def save(self, conversation: Conversation, transcript: Sequence[TranscriptEntry]) -> bool:
        key = conversation.key
        data = _COMPACT_JSON.encode(
            {
                "flow": conversation.flow,
                "ver": conversation.flow_version,
                "state": conversation.state,
                "lang": conversation.language,
                "status": conversation.status,
                "team": conversation.team,
                "danger": conversation.danger,
                "mun": conversation.municipality,
                "topic": conversation.topic,
            }
        )
        args: list[str | int | bytes] = [conversation.revision, self._ttl_ms, data]
        if transcript:
            args.append(self._sealed_turn(key, transcript))
        try:
            saved = await self._batch.call(self._save, self._state_and_transcript(key), args)
        except RedisError as err:
            raise StoreError("cannot save conversation") from err
        return bool(saved)

    async def forget(self, key: str) -> None:
        try:
            await self._redis.delete(*redis_keys.conversation_keys(key))
        except RedisError as err:
            raise StoreError("cannot delete conversation") from err

    async def append(self, key: str, transcript: Sequence[TranscriptEntry]) -> bool:
        """Add a turn to the transcript without changing the state (a caseworker's
        reply); False when the conversation no longer exists."""
        keys = self._state_and_transcript(key)
        try:
            return bool(
                await self._append(keys=keys, args=[self._ttl_ms, self._sealed_turn(key, transcript)])
            )
        except RedisError as err:
            raise StoreError("cannot add to the transcript") from err

    async def close(self, key: str) -> None:
        """The case ended: the transcript and the notes now expire after the retention
        after close, or are deleted at once when it is 0 (SAFETY rule 9). What the
        conversation says from now on is kept as any conversation's."""
        grace_ms = min(DELIVERY_GRACE_SECONDS * 1000, self._ttl_ms)
        oldest_kept = int(time.time() * 1000) - grace_ms
        keys = [
            redis_keys.conversation_transcript(key),
            redis_keys.conversation_notes(key),
            redis_keys.conversation_outbox(key),
        ]
        try:
            await self._close(keys=keys, args=[self._after_close_ms, grace_ms, oldest_kept])
        except RedisError as err:
            raise StoreError("cannot close the transcript") from err

    async def transcript(self, key: str) -> list[TranscriptRecord]:
        return (await self.transcript_from(key, 0))[0]

    async def transcript_from(self, key: str, turn: int) -> tuple[list[TranscriptRecord], int]:
        """What was said from the `turn`th turn on, and the number to ask from next."""
        try:
            values = cast(
                list[bytes], await self._redis.lrange(redis_keys.conversation_transcript(key), turn, -1)
            )
        except RedisError as err:
            raise StoreError("cannot read transcript") from err
        associated = self._transcript_aad(key)
        records = []
        for value in values:
            said = json.loads(self._encryptor.decrypt(value, associated))
            try:
                records += [TranscriptRecord(speaker, text, said["at"]) for speaker, text in said["said"]]
            except (KeyError, TypeError, ValueError) as err:
                raise StoreError("stored transcript entry is unreadable") from err
        return records, turn + len(values)

    async def add_note(self, key: str, author: str, text: str) -> bool:
        """A caseworker's note, encrypted; False when the conversation no longer exists."""
        note = json.dumps({"at": int(time.time()), "by": author, "text": text}).encode()
        sealed = self._encryptor.encrypt(note, self._notes_aad(key))
        keys = [redis_keys.conversation_state(key), redis_keys.conversation_notes(key)]
        try:
            return bool(await self._append(keys=keys, args=[self._ttl_ms, sealed]))
        except RedisError as err:
            raise StoreError("cannot save a note") from err

    async def notes(self, key: str) -> list[tuple[int, str, str]]:
        """(unix seconds, author, text) of every note, oldest first."""
        try:
            values = cast(list[bytes], await self._redis.lrange(redis_keys.conversation_notes(key), 0, -1))
        except RedisError as err:
            raise StoreError("cannot read notes") from err
        notes = [json.loads(self._encryptor.decrypt(v, self._notes_aad(key))) for v in values]
        return [(n["at"], n["by"], n["text"]) for n in notes]

    @staticmethod
    def _state_and_transcript(key: str) -> list[str]:
        """The keys the save script touches (and so declares), both in the conversation's
        hash tag."""
        return [redis_keys.conversation_state(key), redis_keys.conversation_transcript(key)]

    @staticmethod
    def _transcript_aad(key: str) -> bytes:
        return f"{key}:transcript".encode()

    @staticmethod
    def _notes_aad(key: str) -> bytes:
        return f"{key}:notes".encode()

    def _sealed_turn(self, key: str, transcript: Sequence[TranscriptEntry]) -> bytes:
        """One encrypted entry per turn: what the person said and what was answered."""
        turn = {"at": int(time.time()), "said": [[e.speaker, e.text] for e in transcript]}
        return self._encryptor.encrypt(json.dumps(turn).encode(), self._transcript_aad(key))

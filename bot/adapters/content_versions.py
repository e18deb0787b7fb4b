"""Published content versions and the admins' shared draft, in Redis.

A version is a whole content set (every flow and catalogue file), never a patch, so any
version can be made current again on its own. Which version runs is one number
(`current`); every worker reads it about once a second and switches when it changes.
Nothing here is personal data: it is what the bot says to everyone.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.content_files import ContentFiles
from bot.errors import DraftChanged, StoreError


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    version: int
    action: str  # "publish", "rollback" or "import"
    by: str
    at: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Draft:
    files: dict[str, str]
    revision: int  # grows with every save: a save or publish of an older one is refused
    based_on: int | None  # the version it was started from (None: the shipped files)


# Publishing the draft: only the revision the admin checked, and in one step, so that
# two admins publishing at once make two whole versions, never a mix.
_PUBLISH = """
local revision = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if revision ~= tonumber(ARGV[1]) then return -1 end
local number = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], number, ARGV[2])
redis.call('SET', KEYS[4], number)
redis.call('HSET', KEYS[1], 'based_on', number)
redis.call('RPUSH', KEYS[5], '{"version": ' .. number .. ', ' .. string.sub(ARGV[3], 2))
return number
"""

_SAVE_DRAFT = """
local revision = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if revision ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'files', ARGV[2], 'revision', revision + 1)
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'based_on', ARGV[3]) end
return revision + 1
"""


class ContentVersions:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._publish = redis.register_script(_PUBLISH)
        self._save_draft = redis.register_script(_SAVE_DRAFT)

    async def current(self) -> int | None:
        """The number of the version that runs; None while the shipped files do."""
        try:
            raw = await self._redis.get(redis_keys.content_current())
        except RedisError as err:
            raise StoreError("cannot read the current content version") from err
        return None if raw is None else int(raw)

    async def files(self, version: int) -> dict[str, str] | None:
        try:
            raw = cast(bytes | None, await self._redis.hget(redis_keys.content_versions(), str(version)))
        except RedisError as err:
            raise StoreError("cannot read a content version") from err
        if raw is None:
            return None
        try:
            return cast(dict[str, str], json.loads(zlib.decompress(raw)))
        except (zlib.error, ValueError) as err:
            raise StoreError(f"content version {version} cannot be read") from err

    async def history(self) -> list[HistoryEntry]:
        """Newest first."""
        try:
            raw = cast(list[bytes], await self._redis.lrange(redis_keys.content_history(), 0, -1))
        except RedisError as err:
            raise StoreError("cannot read the content history") from err
        return [HistoryEntry(**json.loads(entry)) for entry in reversed(raw)]

    async def draft(self) -> Draft | None:
        try:
            raw = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.content_draft()))
        except RedisError as err:
            raise StoreError("cannot read the draft") from err
        if b"files" not in raw:
            return None
        based_on = raw.get(b"based_on", b"")
        return Draft(json.loads(raw[b"files"]), int(raw[b"revision"]), int(based_on) if based_on else None)

    async def save_draft(self, files: ContentFiles, revision: int, based_on: int | None = None) -> int:
        """Store the draft if it is still at `revision`; the new revision. DraftChanged
        when another admin saved in between (their work is not overwritten)."""
        try:
            saved = await self._save_draft(
                keys=[redis_keys.content_draft()],
                args=[revision, json.dumps(dict(files)), "" if based_on is None else based_on],
            )
        except RedisError as err:
            raise StoreError("cannot save the draft") from err
        if saved == -1:
            raise DraftChanged("the draft was changed by someone else")
        return int(saved)

    async def publish(self, files: ContentFiles, draft_revision: int, by: str, note: str = "") -> int:
        """Store `files` (the checked draft at `draft_revision`) as a new version and make
        it current; its number."""
        entry = _entry(None, "publish", by, note)  # the script puts in the number
        try:
            number = await self._publish(
                keys=[
                    redis_keys.content_draft(),
                    redis_keys.content_next(),
                    redis_keys.content_versions(),
                    redis_keys.content_current(),
                    redis_keys.content_history(),
                ],
                args=[draft_revision, _pack(files), entry],
            )
        except RedisError as err:
            raise StoreError("cannot publish") from err
        if number == -1:
            raise DraftChanged("the draft was changed by someone else")
        return int(number)

    async def add(self, files: ContentFiles, by: str, action: str, note: str = "") -> int:
        """Store files as a new current version without a draft (`fristad flows import`)."""
        try:
            number = int(await self._redis.incr(redis_keys.content_next()))
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(redis_keys.content_versions(), str(number), _pack(files))
                pipe.set(redis_keys.content_current(), number)
                pipe.rpush(redis_keys.content_history(), _entry(number, action, by, note))
                await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot store a content version") from err
        return number

    async def make_current(self, version: int, by: str) -> None:
        """Roll back (or forward) to a stored version."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(redis_keys.content_current(), version)
                pipe.rpush(redis_keys.content_history(), _entry(version, "rollback", by, ""))
                await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot change the current content version") from err


def _pack(files: Mapping[str, str]) -> bytes:
    # About a fifth of the size: a version is every file, kept for every publish.
    return zlib.compress(json.dumps(dict(files), ensure_ascii=False).encode())


def _entry(version: int | None, action: str, by: str, note: str) -> str:
    fields: dict[str, Any] = {"action": action, "by": by, "at": round(time.time()), "note": note}
    return json.dumps(fields if version is None else {"version": version, **fields})

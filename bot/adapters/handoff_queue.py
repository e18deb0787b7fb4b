"""The queue of help-seekers waiting for a person, one per team, in Redis.

Why sorted sets and not a stream with a consumer group: a caseworker chooses which
waiting case to take (the console lists them), the help-seeker is told their place in
the queue (ZRANK), and "danger now" goes first (the score). A claim is one Lua script:
the case leaves the waiting set only once, so exactly one caseworker gets it. A claim is
a lease that the console renews; a lease that runs out (the console died) puts the case
back in its place in the queue, where any caseworker can take it again. All keys of a
team share one hash tag, so every script runs in one Redis Cluster slot.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.core.handoff import Case
from bot.errors import StoreError

# Danger first, then first come: the score is the priority band plus the time of asking.
_BAND = 10**13  # above any time in milliseconds for centuries
DANGER_BAND, NORMAL_BAND = 0, 1

_ENQUEUE = """
-- KEYS: waiting, claimed, case. ARGV: code, score, ttl, then field/value pairs.
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
if old and tonumber(old) <= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], 'score', ARGV[2], 'status', 'waiting', unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 1
"""

_CLAIM = """
-- KEYS: waiting, claimed, case, waits. ARGV: code, owner, lease deadline (ms), now (s), ttl.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], 'status', 'claimed', 'owner', ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[5])
local asked = tonumber(redis.call('HGET', KEYS[3], 'asked'))
if asked and redis.call('HEXISTS', KEYS[3], 'waited') == 0 then
  redis.call('HSET', KEYS[3], 'waited', 1)
  redis.call('LPUSH', KEYS[4], math.max(0, tonumber(ARGV[4]) - asked))
  redis.call('LTRIM', KEYS[4], 0, 19)
  redis.call('EXPIRE', KEYS[4], 604800)
end
return 1
"""

# Only if the case is still gone: the same code may have been asked for again meanwhile.
_FORGET_EXPIRED = """
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
"""

_RENEW = """
-- KEYS: claimed, case. ARGV: code, owner, lease deadline (ms), ttl.
if redis.call('HGET', KEYS[2], 'owner') ~= ARGV[2] then return 0 end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

_RELEASE = """
-- KEYS: waiting, claimed, case. ARGV: code, owner ('' = whoever), only if the lease
-- ran out by this time in ms ('' = now or not).
if ARGV[2] ~= '' and redis.call('HGET', KEYS[3], 'owner') ~= ARGV[2] then return 0 end
if ARGV[3] ~= '' then
  local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if not deadline or tonumber(deadline) > tonumber(ARGV[3]) then return 0 end
end
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
local score = redis.call('HGET', KEYS[3], 'score')
if not score then return 0 end
redis.call('ZADD', KEYS[1], score, ARGV[1])
redis.call('HSET', KEYS[3], 'status', 'waiting')
redis.call('HDEL', KEYS[3], 'owner')
return 1
"""

_MARK_TOLD = """
-- KEYS: case.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'told', 1)
"""

_REMOVE = """
-- KEYS: waiting, claimed, case. ARGV: code, owner ('' = whoever).
if ARGV[2] ~= '' and redis.call('HGET', KEYS[3], 'owner') ~= ARGV[2] then return 0 end
local gone = redis.call('ZREM', KEYS[1], ARGV[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return gone
"""


class RedisHandoffQueue:
    """Takes its Redis client from outside and does not close it."""

    def __init__(self, redis: Redis, ttl_seconds: int, lease_seconds: float) -> None:
        self._redis = redis
        self._ttl_seconds = ttl_seconds
        self.lease_seconds = lease_seconds
        self._enqueue = redis.register_script(_ENQUEUE)
        self._claim = redis.register_script(_CLAIM)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._remove = redis.register_script(_REMOVE)
        self._mark_told = redis.register_script(_MARK_TOLD)
        self._forget_expired = redis.register_script(_FORGET_EXPIRED)

    async def enqueue(self, case: Case) -> bool:
        """Put a case in its team's queue, or move it up when it has become danger.
        Idempotent: asking again changes nothing; a claimed case stays claimed."""
        band = DANGER_BAND if case.danger else NORMAL_BAND
        score = band * _BAND + int(case.asked_at * 1000)
        fields: dict[str, str | int] = {
            "conv": case.conversation_key,
            "lang": case.language,
            "topic": case.topic,
            "danger": int(case.danger),
            "asked": f"{case.asked_at:.3f}",
        }
        args: list[str | int] = [case.code, score, self._ttl_seconds]
        for name, value in fields.items():
            args += [name, value]
        return bool(await self._run(self._enqueue, case.team, case.code, args))

    async def claim(self, team: str, code: str, owner: str) -> bool:
        """Take a waiting case; False when someone else was first or it has ended.
        The first claim of a case records how long it waited (the last 20 per team)."""
        keys = [*self._keys(team, code), redis_keys.queue_waits(team)]
        try:
            claimed = await self._claim(
                keys=keys, args=[code, owner, self._deadline(), f"{time.time():.3f}", self._ttl_seconds]
            )
        except RedisError as err:
            raise StoreError("cannot claim a case") from err
        return bool(claimed)

    async def typical_wait(self, team: str) -> float | None:
        """Median seconds the team's recent cases waited before someone took them."""
        try:
            raw = cast(list[bytes], await self._redis.lrange(redis_keys.queue_waits(team), 0, -1))
        except RedisError as err:
            raise StoreError("cannot read the queue") from err
        waits = sorted(float(w) for w in raw)
        return waits[len(waits) // 2] if waits else None

    async def mark_told(self, team: str, code: str) -> bool:
        """True the first time only: so that one worker tells the person nobody answers.
        (A script: a case that has just ended must not be brought back as a bare key.)"""
        try:
            return bool(await self._mark_told(keys=[redis_keys.queue_case(team, code)]))
        except RedisError as err:
            raise StoreError("cannot mark a case") from err

    async def renew(self, team: str, code: str, owner: str) -> bool:
        """Keep a claim alive; False when it is no longer this owner's."""
        keys = [redis_keys.queue_claimed(team), redis_keys.queue_case(team, code)]
        try:
            return bool(await self._renew(keys=keys, args=[code, owner, self._deadline(), self._ttl_seconds]))
        except RedisError as err:
            raise StoreError("cannot renew a claim") from err

    async def release(self, team: str, code: str, owner: str = "") -> bool:
        """Give a claimed case back to the queue, in its old place."""
        return bool(await self._run(self._release, team, code, [code, owner, ""]))

    async def remove(self, team: str, code: str, owner: str = "") -> bool:
        """Take a case out for good (ended, left the queue, forgotten)."""
        return bool(await self._run(self._remove, team, code, [code, owner]))

    async def return_expired_claims(self, team: str) -> list[str]:
        """Claims whose lease ran out (their console stopped renewing) go back to the
        queue. Every worker may run this; each case is returned once."""
        now = int(time.time() * 1000)
        try:
            expired = cast(
                list[bytes], await self._redis.zrangebyscore(redis_keys.queue_claimed(team), 0, now)
            )
        except RedisError as err:
            raise StoreError("cannot read claims") from err
        returned = []
        for raw in expired:
            code = raw.decode()
            # Only if still expired: its console may have renewed it a moment ago.
            if await self._run(self._release, team, code, [code, "", now]):
                returned.append(code)
        return returned

    async def position(self, team: str, code: str) -> int | None:
        """1 for the next in line; None when not waiting. Cases that expired while
        waiting are not counted (and leave the queue)."""
        codes = [case.code for case in await self.waiting(team)]
        return codes.index(code) + 1 if code in codes else None

    async def waiting(self, team: str) -> list[Case]:
        """The team's waiting cases, next in line first."""
        return await self._cases(team, redis_keys.queue_waiting(team))

    async def claimed(self, team: str) -> list[Case]:
        return await self._cases(team, redis_keys.queue_claimed(team))

    async def case(self, team: str, code: str) -> Case | None:
        try:
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.queue_case(team, code)))
        except RedisError as err:
            raise StoreError("cannot read a case") from err
        return _case(team, code, fields)

    async def _cases(self, team: str, index: str) -> list[Case]:
        try:
            codes = [c.decode() for c in cast(list[bytes], await self._redis.zrange(index, 0, -1))]
            async with self._redis.pipeline(transaction=False) as pipe:
                for code in codes:
                    pipe.hgetall(redis_keys.queue_case(team, code))
                rows = cast(list[dict[bytes, bytes]], await pipe.execute())
        except RedisError as err:
            raise StoreError("cannot read the queue") from err
        found = [case for code, row in zip(codes, rows, strict=True) if (case := _case(team, code, row))]
        for code in set(codes) - {case.code for case in found}:
            # Its case expired (the conversation's TTL): the code leaves the queue too.
            try:
                await self._forget_expired(keys=[index, redis_keys.queue_case(team, code)], args=[code])
            except RedisError as err:
                raise StoreError("cannot tidy the queue") from err
        return found

    def _deadline(self) -> int:
        return int((time.time() + self.lease_seconds) * 1000)

    @staticmethod
    def _keys(team: str, code: str) -> list[str]:
        return [
            redis_keys.queue_waiting(team),
            redis_keys.queue_claimed(team),
            redis_keys.queue_case(team, code),
        ]

    async def _run(self, script: object, team: str, code: str, args: Sequence[str | int]) -> int:
        keys = self._keys(team, code)
        try:
            return int(await script(keys=keys, args=list(args)))  # type: ignore[operator]
        except RedisError as err:
            raise StoreError("cannot change the queue") from err


def _case(team: str, code: str, fields: dict[bytes, bytes]) -> Case | None:
    if b"conv" not in fields:
        return None
    owner = fields.get(b"owner")
    return Case(
        code=code,
        team=team,
        conversation_key=fields[b"conv"].decode(),
        language=fields[b"lang"].decode(),
        topic=fields[b"topic"].decode(),
        danger=fields[b"danger"] == b"1",
        asked_at=float(fields[b"asked"]),
        status=fields[b"status"].decode(),
        owner=None if owner is None else owner.decode(),
        claimed_before=b"waited" in fields,
    )

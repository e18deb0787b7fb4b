"""Who did what to which case or content version, and when (SAFETY rules 11 and 15):
staff names, case codes, content file names and actions, never what anyone wrote."""

from __future__ import annotations

import time
from typing import cast

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import StoreError

MAX_ENTRIES = 1_000_000


class AuditLog:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def record(self, who: str, action: str, team: str = "", case: str = "", what: str = "") -> None:
        """`what`: for admin actions, the content version or file acted on."""
        entry = {"at": f"{time.time():.0f}", "who": who, "action": action, "team": team, "case": case}
        if what:
            entry["what"] = what
        try:
            await self._redis.xadd(redis_keys.audit(), entry, maxlen=MAX_ENTRIES, approximate=True)  # type: ignore[arg-type]
        except RedisError as err:
            raise StoreError("cannot write the audit log") from err

    async def latest(self, count: int = 100) -> list[dict[str, str]]:
        try:
            entries = cast(
                list[tuple[bytes, dict[bytes, bytes]]],
                await self._redis.xrevrange(redis_keys.audit(), count=count),
            )
        except RedisError as err:
            raise StoreError("cannot read the audit log") from err
        return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in entries]

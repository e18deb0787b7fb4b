"""Script calls made at about the same moment share one round trip to Redis.

Many turns in flight each load their conversation, then save it: two scripts a turn.
Each call alone costs redis-py a connection from the pool, a write and a read. Calls
that become ready in the same pass of the event loop go out together in one
non-transactional pipeline, and each caller gets its own result or error, as if alone
(a group commit, as ioredis's auto-pipelining). A single call goes out as it always did,
and so does every call on a Redis Cluster: redis-py refuses scripts in a Cluster pipeline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis, RedisCluster
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError

Keys = Sequence[str]
Arguments = Sequence[str | int | bytes]


class ScriptBatch:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._pipelines = not isinstance(redis, RedisCluster)
        self._open: list[_Call] | None = None  # taking calls until its task sends them
        self._sending: set[asyncio.Task[None]] = set()  # referenced until done

    async def call(self, script: AsyncScript, keys: Keys, args: Arguments) -> Any:
        if not self._pipelines:
            return await script(keys=keys, args=args)
        batch = self._open
        if batch is None:
            # The task's first step runs after everything ready to run now, so the calls
            # those make join this batch.
            batch = self._open = []
            task = asyncio.create_task(self._send(batch))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        call = _Call(script, keys, args)
        batch.append(call)
        return await call.result

    async def _send(self, batch: list[_Call]) -> None:
        if self._open is batch:
            self._open = None
        if len(batch) == 1:
            await batch[0].run_alone()
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for call in batch:
                    # Not `script(client=pipe)`: a pipeline given scripts first asks Redis
                    # whether it has them, a round trip more; a missing one is run alone.
                    pipe.evalsha(call.script.sha, len(call.keys), *call.keys, *call.args)
                results = await pipe.execute(raise_on_error=False)
        except Exception as err:
            for call in batch:
                call.fail(err)
            return
        for call, result in zip(batch, results, strict=True):
            if isinstance(result, NoScriptError):
                await call.run_alone()  # loads the script (Redis restarted or was emptied)
            elif isinstance(result, Exception):
                call.fail(result)
            else:
                call.done(result)


class _Call:
    __slots__ = ("args", "keys", "result", "script")

    def __init__(self, script: AsyncScript, keys: Keys, args: Arguments) -> None:
        self.script, self.keys, self.args = script, keys, args
        self.result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def run_alone(self) -> None:
        try:
            self.done(await self.script(keys=self.keys, args=self.args))
        except Exception as err:
            self.fail(err)

    def done(self, value: Any) -> None:
        if not self.result.done():
            self.result.set_result(value)

    def fail(self, error: Exception) -> None:
        if not self.result.done():
            self.result.set_exception(error)

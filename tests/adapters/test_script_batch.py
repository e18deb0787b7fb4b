"""Script calls made together share one round trip, and each caller still gets its own
answer or error, as if alone (bot/adapters/script_batch.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.script_batch import ScriptBatch

ECHO = "if ARGV[1] == 'fail' then return redis.error_reply('refused') end return ARGV[1]"


class CountingRedis(Redis):
    """The real client, counting its round trips: a pipeline sent, or a command alone."""

    round_trips = 0

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        CountingRedis.round_trips += 1
        return await super().execute_command(*args, **options)

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        redis = self

        class Counted(Pipeline):
            async def execute(self, raise_on_error: bool = True) -> list[Any]:
                CountingRedis.round_trips += 1
                return await super().execute(raise_on_error)

        return Counted(redis.connection_pool, redis.response_callbacks, transaction, shard_hint)


@pytest.fixture
async def counting(redis_server: RedisServerProcess) -> Any:
    client = CountingRedis.from_url(redis_server.url)
    CountingRedis.round_trips = 0
    yield client
    await client.aclose()


async def test_calls_made_together_share_one_round_trip_and_each_gets_its_own_answer(
    counting: CountingRedis,
) -> None:
    batch, echo = ScriptBatch(counting), counting.register_script(ECHO)
    await batch.call(echo, ["k"], ["warm"])  # loads the script: alone, as always
    before = CountingRedis.round_trips
    answers = await asyncio.gather(*(batch.call(echo, [f"k{n}"], [f"answer {n}"]) for n in range(20)))
    assert answers == [f"answer {n}".encode() for n in range(20)]
    assert CountingRedis.round_trips - before == 1


async def test_an_error_fails_only_its_own_call(counting: CountingRedis) -> None:
    batch, echo = ScriptBatch(counting), counting.register_script(ECHO)
    await batch.call(echo, ["k"], ["warm"])
    answers = await asyncio.gather(
        batch.call(echo, ["a"], ["one"]), batch.call(echo, ["b"], ["fail"]), batch.call(echo, ["c"], ["three"]),
        return_exceptions=True,
    )  # fmt: skip
    assert answers[0] == b"one"
    assert isinstance(answers[1], ResponseError)
    assert "refused" in str(answers[1])
    assert answers[2] == b"three"


async def test_a_batch_still_answers_after_redis_forgot_its_scripts(counting: CountingRedis) -> None:
    batch, echo = ScriptBatch(counting), counting.register_script(ECHO)
    await batch.call(echo, ["k"], ["warm"])
    await counting.script_flush()  # as after a restart of Redis
    answers = await asyncio.gather(*(batch.call(echo, [f"k{n}"], [str(n)]) for n in range(5)))
    assert answers == [str(n).encode() for n in range(5)]


async def test_a_caller_that_gives_up_leaves_the_others_their_answers(counting: CountingRedis) -> None:
    batch, echo = ScriptBatch(counting), counting.register_script(ECHO)
    await batch.call(echo, ["k"], ["warm"])
    calls = [asyncio.create_task(batch.call(echo, [f"k{n}"], [str(n)])) for n in range(3)]
    await asyncio.sleep(0)  # all three are in the batch
    calls[1].cancel()
    assert await calls[0] == b"0"
    assert await calls[2] == b"2"
    with pytest.raises(asyncio.CancelledError):
        await calls[1]

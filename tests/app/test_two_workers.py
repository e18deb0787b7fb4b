"""Two real `fristad run` processes on one Redis: the help-seeker on one, the caseworker
on the other, and every message arrives on the other side."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.redis_server import RedisServerProcess, free_port
from tests.conftest import key_env
from tests.helpers.two_workers import PASSWORD, talk_both_ways, workers


async def test_a_help_seeker_and_a_caseworker_on_different_workers_talk_both_ways(
    redis_server: RedisServerProcess, redis: Redis
) -> None:
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    with workers(redis_server.url, [free_port(), free_port()], key_env()) as (first, second):
        await talk_both_ways(first, second)

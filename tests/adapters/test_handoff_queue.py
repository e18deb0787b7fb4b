"""The handoff queue against a real Redis: order, exactly one claim, claims that come
back when their console dies."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from bot.adapters import redis_keys
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.redis_connection import connect
from bot.adapters.redis_server import RedisServerProcess
from bot.core.handoff import Case
from tests.conftest import TTL_SECONDS
from tests.helpers.content import ROOT

TEAM = "support"


def case(code: str, asked_at: float, danger: bool = False, team: str = TEAM) -> Case:
    return Case(code, team, f"conv-{code}", "sv", "police", danger, asked_at, "waiting")


@pytest.fixture
def queue(redis: Redis) -> RedisHandoffQueue:
    return RedisHandoffQueue(redis, TTL_SECONDS, lease_seconds=30)


async def codes(queue: RedisHandoffQueue) -> list[str]:
    return [c.code for c in await queue.waiting(TEAM)]


async def test_danger_goes_first_then_first_come(queue: RedisHandoffQueue) -> None:
    await queue.enqueue(case("A", 100.0))
    await queue.enqueue(case("B", 101.0))
    await queue.enqueue(case("C", 102.0, danger=True))
    assert await codes(queue) == ["C", "A", "B"]
    assert [await queue.position(TEAM, c) for c in ("C", "A", "B", "nobody")] == [1, 2, 3, None]
    waiting = await queue.waiting(TEAM)
    assert waiting[0] == case("C", 102.0, danger=True)


async def test_asking_again_changes_nothing_but_danger_moves_a_case_up(queue: RedisHandoffQueue) -> None:
    await queue.enqueue(case("A", 100.0))
    await queue.enqueue(case("B", 101.0))
    assert not await queue.enqueue(case("B", 105.0))  # the same handoff again: keeps its place
    assert await codes(queue) == ["A", "B"]
    assert await queue.enqueue(case("B", 101.0, danger=True))
    assert await codes(queue) == ["B", "A"]


async def test_a_case_is_claimed_once_and_gone_from_the_queue(queue: RedisHandoffQueue) -> None:
    await queue.enqueue(case("A", 100.0))
    assert await queue.claim(TEAM, "A", "sara")
    assert not await queue.claim(TEAM, "A", "omar")
    assert await codes(queue) == []
    claimed = await queue.claimed(TEAM)
    assert [(c.code, c.status, c.owner) for c in claimed] == [("A", "claimed", "sara")]
    assert not await queue.enqueue(case("A", 100.0))  # a claimed case stays claimed


async def test_two_caseworkers_claiming_at_once_never_both_win(redis_server: RedisServerProcess) -> None:
    clients = [connect(redis_server.url, 8) for _ in range(2)]
    queues = [RedisHandoffQueue(client, TTL_SECONDS, lease_seconds=30) for client in clients]
    try:
        for round_ in range(200):
            code = f"R{round_}"
            await queues[0].enqueue(case(code, 100.0 + round_))
            wins = await asyncio.gather(
                queues[0].claim(TEAM, code, "sara"), queues[1].claim(TEAM, code, "omar")
            )
            assert sorted(wins) == [False, True], round_
    finally:
        for client in clients:
            await client.aclose()


async def test_an_ended_case_cannot_be_claimed(queue: RedisHandoffQueue) -> None:
    await queue.enqueue(case("A", 100.0))
    assert await queue.remove(TEAM, "A")
    assert not await queue.claim(TEAM, "A", "sara")
    assert await queue.case(TEAM, "A") is None


async def test_only_the_owner_gives_back_or_ends_a_claimed_case(queue: RedisHandoffQueue) -> None:
    await queue.enqueue(case("A", 100.0))
    await queue.claim(TEAM, "A", "sara")
    assert not await queue.release(TEAM, "A", "omar")
    assert not await queue.remove(TEAM, "A", "omar")
    assert not await queue.renew(TEAM, "A", "omar")
    assert await queue.renew(TEAM, "A", "sara")
    assert await queue.release(TEAM, "A", "sara")
    assert await codes(queue) == ["A"]


async def test_a_claim_not_renewed_comes_back_to_its_old_place(redis: Redis) -> None:
    queue = RedisHandoffQueue(redis, TTL_SECONDS, lease_seconds=0.2)
    await queue.enqueue(case("A", 100.0))
    await queue.enqueue(case("B", 101.0))
    await queue.claim(TEAM, "A", "sara")
    await queue.claim(TEAM, "B", "omar")
    await asyncio.sleep(0.1)
    assert await queue.renew(TEAM, "B", "omar")  # Omar's console is alive, Sara's is not
    await asyncio.sleep(0.15)
    assert await queue.return_expired_claims(TEAM) == ["A"]
    assert await codes(queue) == ["A"]
    assert await queue.return_expired_claims(TEAM) == []  # returned once
    assert [c.owner for c in await queue.claimed(TEAM)] == ["omar"]


CLAIMER = """
import asyncio, sys, time
from bot.adapters.redis_connection import connect
from bot.adapters.handoff_queue import RedisHandoffQueue
async def main(url):
    queue = RedisHandoffQueue(connect(url, 8), 3600, lease_seconds=1)
    assert await queue.claim("support", "K", "console-that-dies")
    print("claimed", flush=True)
    await asyncio.sleep(3600)
asyncio.run(main(sys.argv[1]))
"""


@pytest.fixture
async def claimer(redis_server: RedisServerProcess) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLAIMER,
        redis_server.url,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    yield process
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_a_console_killed_in_the_middle_of_a_claim_gives_the_case_back(
    queue: RedisHandoffQueue, claimer: asyncio.subprocess.Process
) -> None:
    await queue.enqueue(case("K", 100.0, danger=True))
    assert claimer.stdout is not None
    assert await asyncio.wait_for(claimer.stdout.readline(), 10) == b"claimed\n"
    claimer.send_signal(signal.SIGKILL)
    await claimer.wait()
    assert await codes(queue) == []
    deadline = time.monotonic() + 5
    while not await queue.return_expired_claims(TEAM):
        assert time.monotonic() < deadline, "the claim never came back"
        await asyncio.sleep(0.1)
    assert await codes(queue) == ["K"]
    assert await queue.claim(TEAM, "K", "sara")


def test_all_keys_of_a_team_live_in_one_cluster_slot() -> None:
    keys = [redis_keys.queue_waiting(TEAM), redis_keys.queue_claimed(TEAM), redis_keys.queue_case(TEAM, "A")]
    assert len({key_slot(k.encode()) for k in keys}) == 1

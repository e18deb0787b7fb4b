"""Benchmark of the handoff relay across two worker processes: a help-seeker's message on
one `fristad run` until the caseworker's console (WebSocket) on the other shows it, and
the caseworker's reply until the help-seeker's WebSocket has it. DESIGN.md's target:
p99 under 50 ms each way.

    python bench/handoff.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import server_env
from bench.figures import Figure, p99
from bot.adapters.accounts import Accounts
from bot.adapters.redis_server import free_port
from tests.helpers.two_workers import PASSWORD, Caseworker, HelpSeeker, settle, workers

TARGET_MS = 50.0


async def round_trips(first: str, second: str, rounds: int) -> tuple[list[float], list[float]]:
    async with (
        aiohttp.ClientSession() as person_session,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff_session,
    ):
        person = HelpSeeker(person_session, first)
        sara = Caseworker(staff_session, second, "sara")
        await person.ask_for_a_person()
        await sara.log_in()
        await sara.claim_first_waiting()
        await person.later_reply()  # "you are now writing with a person"
        await settle()
        to_console, to_person = [], []
        for number in range(rounds):
            began = time.perf_counter()
            await person.send(text=f"fråga {number}")
            await sara.heard(f"fråga {number}")
            to_console.append(time.perf_counter() - began)
            began = time.perf_counter()
            await sara.reply(f"svar {number}")
            await person.later_reply()
            to_person.append(time.perf_counter() - began)
        return to_console, to_person


async def _measure(url: str, rounds: int) -> list[Figure]:
    client = Redis.from_url(url)
    await Accounts(client).add("sara", PASSWORD, "caseworker", ("support",))
    await client.aclose()
    with (
        tempfile.TemporaryDirectory() as folder,
        workers(url, [free_port(), free_port()], server_env(url, folder)) as (first, second),
    ):
        to_console, to_person = await round_trips(first, second, rounds)
    each = f"{rounds} round trips, one worker process each side"
    return [
        p99(
            "handoff_to_console_p99",
            "handoff help-seeker → console p99",
            to_console,
            each,
            "handoff",
            TARGET_MS,
        ),
        p99(
            "handoff_to_person_p99",
            "handoff console → help-seeker p99",
            to_person,
            each,
            "handoff",
            TARGET_MS,
        ),
    ]


def measure(url: str, rounds: int = 300) -> list[Figure]:
    return asyncio.run(_measure(url, rounds))


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with redis_server() as redis:
        print_table(measure(redis.url, args.rounds))

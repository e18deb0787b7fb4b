"""Benchmark of a publish reaching the other worker: an admin publishes a changed text on
one `fristad run`, and a help-seeker starting conversations on another worker process
polls until the new text is what it gets. docs/admin.md's target: about a second.
Also: how long the publish request itself takes (the check, the store, the switch of
the publishing worker).

    python bench/admin_publish.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import server_env
from bench.figures import Figure
from bot.adapters.accounts import Accounts
from bot.adapters.redis_server import free_port
from tests.helpers.two_workers import PASSWORD, Caseworker, workers


async def first_text(session: aiohttp.ClientSession, url: str) -> str:
    async with session.post(url + "/api/v1/conversations", json={"language": "sv"}) as response:
        return str((await response.json())["replies"][0]["text"])


async def publishes(admin_url: str, chat_url: str, rounds: int) -> tuple[list[float], list[float]]:
    async with (
        aiohttp.ClientSession() as person,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff,
    ):
        anna = Caseworker(staff, admin_url, "anna")
        await anna.log_in()
        publish_request, switched = [], []
        for number in range(rounds):
            text = f"Välkommen, version {number + 1}."
            async with staff.get(admin_url + "/admin/texts/sv") as response:
                page = await response.text()
            csrf = re.findall(r'data-csrf="([^"]+)"', page)[0]
            revision = int(re.findall(r'data-revision="(\d+)"', page)[0])
            async with staff.post(
                admin_url + "/admin/api/texts/sv",
                json={"messages": {"welcome": text}, "revision": revision},
                headers={"X-CSRF-Token": csrf},
            ) as response:
                revision = (await response.json())["revision"]
            began = time.perf_counter()
            async with staff.post(
                admin_url + "/admin/publish", data={"csrf": csrf, "revision": revision}, allow_redirects=False
            ) as response:
                assert response.status == 303, response.status
            publish_request.append(time.perf_counter() - began)
            while await first_text(person, chat_url) != text:  # noqa: ASYNC110 (what a visitor would see)
                await asyncio.sleep(0.005)
            switched.append(time.perf_counter() - began)
        return publish_request, switched


async def _measure(url: str, rounds: int) -> list[Figure]:
    client = Redis.from_url(url)
    await Accounts(client).add("anna", PASSWORD, "admin", ())
    await client.aclose()
    with (
        tempfile.TemporaryDirectory() as folder,
        workers(url, [free_port(), free_port()], server_env(url, folder)) as (admin_url, chat_url),
    ):
        publish_request, switched = await publishes(admin_url, chat_url, rounds)
    return [
        Figure(
            "admin_publish_request",
            "admin publish request (check, store, own switch), median",
            "—",
            statistics.median(publish_request) * 1000,
            "ms",
            note=f"max {max(publish_request) * 1000:.0f} ms; {rounds} publishes",
            group="extra",
            detail={"seconds": publish_request},
        ),
        Figure(
            "admin_publish_other_worker",
            "admin publish → other worker answers with it, max",
            "—",
            max(switched) * 1000,
            "ms",
            note=f"median {statistics.median(switched) * 1000:.0f} ms; docs/admin.md: about a second",
            group="extra",
            detail={"seconds": switched},
        ),
    ]


def measure(url: str, rounds: int = 20) -> list[Figure]:
    return asyncio.run(_measure(url, rounds))


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with redis_server() as redis:
        print_table(measure(redis.url, args.rounds))

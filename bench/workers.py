"""Throughput of the web chat with 1 and with 2 worker processes on the same port
(`fristad run --workers N`, SO_REUSEPORT), each with requests always waiting, from the
same load generator and the same Redis.

    python bench/workers.py [--seconds 10] [--in-flight 64]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import redis
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import flushall, fristad_run, redis_pid, server_env
from bench.cpu import CpuMeter, family, loop_lag
from bench.figures import Figure
from bench.load import Load, conversations, most_turns, offered_load
from bench.service import web_conversations
from bench.web_chat import TARGET_P99_MS, TARGET_TURNS, kept_up
from bot.adapters import redis_keys
from bot.adapters.redis_server import free_port


def _all_up(url: str, workers: int, timeout: float = 20) -> None:
    """Ready answers as soon as one worker listens: wait until `workers` workers have
    said which encryption key they write with (each does at start, then every second)."""
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + timeout
        while client.hlen(redis_keys.key_users()) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"not all {workers} workers came up")
            time.sleep(0.05)
    finally:
        client.close()
    time.sleep(0.2)  # from its first write to listening


async def _alternate(
    urls: dict[int, str],
    tokens: dict[int, list[str]],
    pids: dict[int, dict[str, list[int]]],
    plan: tuple[float, int, int],
) -> tuple[dict[int, list[Load]], Load]:
    """The saturated runs of each server in turn, then the budget's offered load (2,000
    turns/s at random moments) against the two workers."""
    seconds, in_flight, rounds = plan
    loads: dict[int, list[Load]] = {n: [] for n in urls}
    async with (
        conversations(urls[1], tokens[1], websockets=False) as one,
        conversations(urls[2], tokens[2], websockets=False) as two,
    ):
        for _ in range(rounds):
            for n, talks in ((1, one), (2, two)):
                loads[n].append(await most_turns(talks, pids[n], in_flight, seconds / rounds))
        with CpuMeter(**pids[2]) as cpu:
            async with loop_lag() as lags:
                tally = await offered_load(two, TARGET_TURNS, seconds)
        offered = Load.of(len(two), tally, lags, cpu, offered=TARGET_TURNS)
    return loads, offered


def budget_with_two(load: Load) -> list[Figure]:
    """The web chat's budget rows, served by `fristad run --workers 2`."""
    common = {"group": "workers", "detail": asdict(load)}
    size = f"{load.conversations:,} conversations"
    return [
        Figure(
            "workers_2_offered_turns_per_second",
            f"web chat turns/s, {size}, --workers 2",
            f"≥ {TARGET_TURNS:,} turns/s",
            load.turns_per_second,
            "turns/s",
            ratio=load.turns_per_second / TARGET_TURNS,
            met=kept_up(load),
            note=f"offered {TARGET_TURNS:,}/s at random moments; {load.cpu()}",
            **common,
        ),
        Figure(
            "workers_2_offered_p99",
            f"web chat p99, {size}, --workers 2",
            f"< {TARGET_P99_MS:g} ms",
            load.p99_ms,
            "ms",
            ratio=load.p99_ms / TARGET_P99_MS,
            met=load.p99_ms < TARGET_P99_MS,
            note=f"p50 {load.p50_ms:.1f} ms",
            **common,
        ),
    ]


def measure(
    url: str, seconds: float = 10, in_flight: int = 64, size: int = 1000, rounds: int = 4
) -> list[Figure]:
    """The most turns/s of `size` conversations with `in_flight` requests always waiting.
    Both servers run at once, idle in turn: short measurements of each alternate, so
    that the load the machine's other users put on it shifts both alike, and the median
    of each is taken."""
    flushall(url)  # no workers of an earlier server in the hash
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        envs = {1: server_env(url, first), 2: server_env(url, second)}
        tokens = {n: uvloop.run(web_conversations(url, env, size)) for n, env in envs.items()}
        ports = {n: free_port() for n in envs}
        with (
            fristad_run(envs[1], ports[1], "--workers", "1") as one,
            fristad_run(envs[2], ports[2], "--workers", "2") as two,
        ):
            _all_up(url, 3)
            urls = {n: f"http://127.0.0.1:{port}" for n, port in ports.items()}
            pids = {
                n: {"server": family(server.pid), "Redis": [redis_pid(url)], "client": [os.getpid()]}
                for n, server in ((1, one), (2, two))
            }
            loads, offered = uvloop.run(_alternate(urls, tokens, pids, (seconds, in_flight, rounds)))
    median = {
        n: sorted(runs, key=lambda load: load.turns_per_second)[len(runs) // 2] for n, runs in loads.items()
    }
    return [
        Figure(
            f"workers_{n}_turns_per_second",
            f"web chat most turns/s, --workers {n}",
            "—",
            load.turns_per_second,
            "turns/s",
            ratio=None if n == 1 else load.turns_per_second / median[1].turns_per_second,
            ratio_of="1 worker",
            note=f"median of {rounds} alternating runs ("
            + ", ".join(f"{run.turns_per_second:,.0f}" for run in loads[n])
            + f"); p99 {load.p99_ms:.1f} ms; {load.cpu()}",
            group="workers",
            detail={
                "in_flight": in_flight,
                "workers": n,
                "runs": [asdict(run) for run in loads[n]],
                **asdict(load),
            },
        )
        for n, load in median.items()
    ] + budget_with_two(offered)


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--in-flight", type=int, default=64)
    args = parser.parse_args()
    with redis_server() as server:
        print_table(measure(server.url, args.seconds, args.in_flight))

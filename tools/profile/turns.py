"""Profile of the dialogue turn loop: DialogueService.handle against a redis-server
started here, wired as `fristad run` wires it (bot.app.runtime.open_runtime: rate limit,
handoffs, statistics), or the same services without the runtime's background tasks
(--wiring service), or bare (store and engine only, as bench/turns.py: --wiring bare).

Prints turns/s and CPU seconds per turn of this process, Redis commands per turn (exact,
from INFO commandstats) and, with --profile, the cProfile top entries and function calls
per turn (deterministic). The process is pinned to one core and Redis to the other.

    python tools/profile/turns.py [--turns 20000] [--conversations 100] [--profile]
                                  [--wiring runtime|service|bare]
    python tools/profile/turns.py --profile --out /tmp/turns.prof   # keep the profile
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

import uvloop
from common import (  # type: ignore[import-not-found]
    command_counts,
    command_delta,
    content,
    new_profile,
    print_commands,
    print_profile,
    redis_server,
    server_pid,
    settings,
)
from redis.asyncio import Redis

from bench.service import ROUND
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.adapters.published import build_engine
from bot.adapters.redis_connection import connect
from bot.adapters.statistics import Statistics
from bot.app.runtime import REDIS_CONNECTIONS, open_runtime
from bot.core.dialogue import DialogueService
from bot.core.handoff import Handoffs
from bot.core.messages import Incoming


async def drive(service: DialogueService, turns: int, conversations: int, label: str) -> int:
    per_conversation = max(1, turns // conversations)

    async def conversation(number: int) -> None:
        key = f"{label}-{number}"
        await service.handle(Incoming(key, language_hint="sv", channel="web"))
        for i in range(per_conversation):
            step = ROUND[i % len(ROUND)]
            await service.handle(Incoming(key, text=step.text, choice=step.choice, channel="web"))

    await asyncio.gather(*(conversation(n) for n in range(conversations)))
    return conversations * (per_conversation + 1)


async def measure(service: DialogueService, url: str, args: argparse.Namespace) -> None:
    await drive(service, args.warm, args.conversations, "warm")  # caches and connections
    for run in range(args.runs):
        before = command_counts(url)
        profile = new_profile(args.cpu) if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        turns = await drive(service, args.turns, args.conversations, f"run{run}")
        if profile is not None:
            profile.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"run {run + 1}: {turns / wall:8,.0f} turns/s   {cpu / turns * 1e6:6.1f} µs CPU per turn"
            f"{'   (under cProfile)' if profile else ''}"
        )
        if run == 0:
            print_commands(command_delta(before, command_counts(url)), turns, ignore=("info",))
        if profile is not None:
            print_profile(profile, turns, args.top, args.out)
            break


async def main(args: argparse.Namespace, url: str, folder: Path) -> None:
    wiring = settings(url, folder)
    shipped = content(wiring)
    if args.wiring == "runtime":
        async with open_runtime(wiring, shipped) as runtime:
            await measure(runtime.dialogue, url, args)
        return
    # The same services without the runtime's background tasks (notifications, queue and
    # key watchers): what a turn costs and nothing else, for callgrind.
    redis = connect(url, REDIS_CONNECTIONS) if args.wiring == "service" else Redis.from_url(url)
    ttl = wiring.conversation_ttl_seconds
    store = RedisConversationStore(redis, Encryptor("k1", {"k1": os.urandom(32)}), ttl)
    engine = build_engine(shipped)
    if args.wiring == "service":
        assert shipped.teams is not None
        queue = RedisHandoffQueue(redis, ttl, shipped.teams.lease_seconds)
        handoffs = Handoffs(engine, queue, shipped.teams, Notifier(redis))
        service = DialogueService(
            engine, store, wiring.messages_per_minute, handoffs, tally=Statistics(redis)
        )
    else:
        service = DialogueService(engine, store)
    try:
        await measure(service, url, args)
    finally:
        await redis.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="measurements (one with --profile)")
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print its top")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time (time.process_time), not wall time"
    )
    parser.add_argument("--out", type=Path, help="write the cProfile stats here")
    parser.add_argument(
        "--wiring",
        choices=("runtime", "service", "bare"),
        default="runtime",
        help="runtime: bot.app.runtime.open_runtime, as `fristad run`; service: its rate limit, "
        "handoffs and statistics without its background tasks; bare: store and engine only, "
        "as bench/turns.py",
    )
    parser.add_argument("--warm", type=int, default=2000, help="turns before measuring")
    parser.add_argument("--asyncio", action="store_true", help="asyncio's loop instead of uvloop")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as server:
        cores = sorted(os.sched_getaffinity(0))
        pid = server_pid(server)
        if len(cores) >= 2 and pid is not None:
            os.sched_setaffinity(pid, {cores[1]})
            os.sched_setaffinity(0, {cores[0]})
        run = asyncio.run if args.asyncio else uvloop.run
        run(main(args, server.url, Path(tmp)))

"""Benchmark of the web chat over HTTP/WebSocket: `fristad run` in its own process
against a real redis-server, and this process as the load generator.

For each number of concurrent conversations (100, 1,000 and 10,000: how cost grows),
that many conversations together send RATE turns/s (each at random moments, about every
CONVERSATIONS/RATE seconds) for DURATION seconds; measured are the turns/s achieved and
the latency percentiles. DESIGN.md's target: 2,000 turns/s with 1,000 concurrent
conversations, p99 under 25 ms. Then the most turns/s the server gives with IN_FLIGHT
requests always waiting, and 1,000 conversations again, each also holding its WebSocket
open as the page does.

    python bench/web_chat.py [--conversations 100 1000 10000] [--rate 2000] [--duration 20]

Each conversation has a keep-alive connection of its own, as a browser page has, and the
load generator (bench/load.py) uses a small HTTP client (bench/http_client.py) so that it is not what
limits the figures: each row says how much CPU it used and how late its event loop ran.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import fristad_run, redis_pid, server_env
from bench.cpu import CpuMeter, family, loop_lag
from bench.figures import Figure
from bench.load import Load, conversations, most_turns, offered_load
from bench.service import web_conversations
from bot.adapters.redis_server import free_port

TARGET_TURNS, TARGET_P99_MS, BUDGET_CONVERSATIONS = 2000, 25.0, 1000
SETTLE_SECONDS = 3.0


async def measure(
    url: str,
    tokens: list[str],
    pids: dict[str, list[int]],
    sizes: list[int],
    plan: WebPlan,
    websockets: bool = False,
    say: Callable[[str], Any] = print,
) -> tuple[list[Load], Load | None]:
    """Offered load at each size, biggest first, and the most turns/s at 1,000 (when that
    is a size); `pids` names the processes whose CPU is reported."""
    biggest = max(sizes)
    say(f"connecting {biggest:,} conversations" + (" with WebSockets" if websockets else ""))
    began = time.perf_counter()
    loads, most = [], None
    async with conversations(url, tokens[:biggest], websockets) as talks:
        setup = time.perf_counter() - began
        for size in sorted(sizes, reverse=True):
            # Starting conversations costs the server twice a turn: the smaller sizes are
            # the first of the same ones, the others' connections closed (they stay in
            # Redis, as idle conversations do).
            await asyncio.gather(*(c.close() for c in talks[size:]))
            if size != biggest:
                # The server tears down the closed connections (and collects their
                # garbage) in the next seconds: measured from then on, that is not the load.
                await asyncio.sleep(SETTLE_SECONDS)
            say(f"{size:,} conversations, {plan.rate:,.0f} turns/s offered for {plan.duration:g} s")
            with CpuMeter(**pids) as cpu:
                async with loop_lag() as lags:
                    tally = await offered_load(talks[:size], plan.rate, plan.duration)
            started = setup if size == biggest else 0.0
            loads.append(
                Load.of(
                    size, tally, lags, cpu, offered=plan.rate, websockets=websockets, setup_seconds=started
                )
            )
            if size == BUDGET_CONVERSATIONS and plan.saturated and not websockets:
                say(f"most turns/s, {plan.in_flight} requests always waiting")
                most = await most_turns(talks[:size], pids, plan.in_flight, plan.saturated)
    return loads[::-1], most


def kept_up(load: Load) -> bool:
    """Arrivals are random, so a run that kept up lands within a few percent of the rate."""
    return load.offered is not None and load.turns_per_second >= 0.97 * load.offered


def figures(loads: list[Load], most: Load | None = None) -> list[Figure]:
    """The budget's two rows at 1,000 conversations (HTTP only, as the budget's method),
    the saturated row, and every other load compared with the one at 1,000."""

    def at_1000(rate: float | None) -> Load | None:
        return next(
            (
                x
                for x in loads
                if x.conversations == BUDGET_CONVERSATIONS and not x.websockets and x.offered == rate
            ),
            None,
        )

    budget = at_1000(TARGET_TURNS)
    rows: list[Figure] = []
    if budget is not None:
        rows += [
            Figure(
                "web_turns_per_second",
                "web chat turns/s, 1,000 conversations",
                f"≥ {TARGET_TURNS:,} turns/s",
                budget.turns_per_second,
                "turns/s",
                ratio=budget.turns_per_second / TARGET_TURNS,
                met=budget.offered is not None and budget.offered >= TARGET_TURNS and kept_up(budget),
                note=f"offered {budget.offered:,.0f}/s at random moments; {budget.cpu()}",
                group="web",
                detail=asdict(budget),
            ),
            Figure(
                "web_p99",
                "web chat p99, 1,000 conversations",
                f"< {TARGET_P99_MS:g} ms",
                budget.p99_ms,
                "ms",
                ratio=budget.p99_ms / TARGET_P99_MS,
                met=budget.p99_ms < TARGET_P99_MS,
                note=f"p50 {budget.p50_ms:.1f} ms",
                group="web",
                detail=asdict(budget),
            ),
        ]
    if most is not None:
        rows.append(
            Figure(
                "web_saturated_turns_per_second",
                f"web chat most turns/s, {most.conversations:,} conversations",
                "—",
                most.turns_per_second,
                "turns/s",
                ratio=most.turns_per_second / TARGET_TURNS,
                note=f"requests always waiting; p50 {most.p50_ms:.1f}, p99 {most.p99_ms:.1f} ms; {most.cpu()}",
                group="web",
                detail=asdict(most),
            )
        )
    for load in loads:
        if load is budget:
            continue
        base = budget if load.websockets else at_1000(load.offered)
        light = load.offered != TARGET_TURNS
        pages = ", WebSockets open" if load.websockets else ""
        pages += f", {load.offered:,.0f}/s offered" if light else ""
        key = f"scaling_{load.conversations}" + ("_websockets" if load.websockets else "")
        key += f"_{load.offered:.0f}_offered" if light else ""
        connected = (
            f"; {load.conversations:,} connected in {load.setup_seconds:.1f} s" if load.setup_seconds else ""
        )
        for what, unit, value, at_budget in (
            ("turns/s", "turns/s", load.turns_per_second, base and base.turns_per_second),
            ("p99", "ms", load.p99_ms, base and base.p99_ms),
        ):
            rows.append(
                Figure(
                    f"{key}_{'p99' if unit == 'ms' else 'turns_per_second'}",
                    f"{what}, {load.conversations:,} conversations{pages}",
                    "—",
                    value,
                    unit,
                    ratio=value / at_budget if at_budget and base is not load else None,
                    ratio_of="1,000 conv.",
                    note=f"p50 {load.p50_ms:.1f} ms"
                    if unit == "ms"
                    else f"offered {load.offered:,.0f}/s; {load.cpu()}{connected}",
                    group="scaling",
                    detail=asdict(load),
                )
            )
    return rows


async def _all(
    url: str,
    redis_url: str,
    env: dict[str, str],
    pids: dict[str, list[int]],
    plan: WebPlan,
    say: Callable[[str], Any],
) -> list[Figure]:
    say(f"making {max(plan.sizes):,} conversations")
    tokens = await web_conversations(redis_url, env, max(plan.sizes))
    loads, most = await measure(url, tokens, pids, list(plan.sizes), plan, say=say)
    if plan.light_rate:
        light = replace(plan, rate=plan.light_rate, saturated=0)
        loads += (await measure(url, tokens, pids, list(plan.sizes), light, say=say))[0]
    if plan.pages:
        loads += (await measure(url, tokens, pids, [BUDGET_CONVERSATIONS], plan, True, say))[0]
    return figures(loads, most)


@dataclass
class WebPlan:
    sizes: tuple[int, ...] = (100, 1000, 10000)
    rate: float = TARGET_TURNS
    duration: float = 20.0
    saturated: float = 10.0
    in_flight: int = 32
    pages: bool = True  # also 1,000 conversations each with its WebSocket open
    # The sizes again at a rate a server on a shared 2-core machine can carry, so that
    # what grows with the conversations shows apart from overload.
    light_rate: float | None = TARGET_TURNS / 2


def run(redis_url: str, plan: WebPlan, say: Callable[[str], Any] = print) -> list[Figure]:
    """`fristad run` (one process) on `redis_url`, and every load of `plan` against it."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(redis_url, folder)
        with fristad_run(env, port) as server:
            pids = {"server": family(server.pid), "Redis": [redis_pid(redis_url)], "client": [os.getpid()]}
            return uvloop.run(_all(f"http://127.0.0.1:{port}", redis_url, env, pids, plan, say))


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--rate", type=float, default=TARGET_TURNS)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument(
        "--no-pages", action="store_true", help="skip the run with a WebSocket per conversation"
    )
    args = parser.parse_args()
    plan = WebPlan(
        tuple(args.conversations),
        args.rate,
        args.duration,
        args.duration / 2,
        args.in_flight,
        not args.no_pages,
    )
    with redis_server() as redis:
        print_table(run(redis.url, plan))

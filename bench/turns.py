"""Benchmark of the dialogue turn loop: load state, step, save state and encrypted
transcript, against a real redis-server started here.

Compares the shared machine (one `transitions` machine per flow version) with the naive
baseline that builds a machine for every message. The benchmark process is pinned to one
core and Redis to the other, when there are two.

    python bench/turns.py [--turns 20000] [--naive-turns 2000] [--conversations 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from transitions import Machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import service as built
from bench.common import redis_pid
from bench.figures import Figure
from bot.core.dialogue import DialogueService
from bot.core.engine import CompiledFlow, Engine, machine_spec
from bot.core.local_numbers import LocalNumbers

TARGET_TURNS = 5000
TARGET_RATIO = 50


class NaiveCompiledFlow(CompiledFlow):
    """The baseline: a new `transitions` machine for every message."""

    def trigger(self, state: str, trigger: str) -> str:
        class Model:
            pass

        model = Model()
        states, transitions = machine_spec(self.flow)
        Machine(model=model, states=states, transitions=transitions, initial=state, auto_transitions=False)
        model.trigger(trigger)  # type: ignore[attr-defined]
        return str(model.state)  # type: ignore[attr-defined]


class NaiveEngine(Engine):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._flows = {f.id: NaiveCompiledFlow(f, self.translator, LocalNumbers()) for f in self.flows}
        self.entry = self._flows["main"]


@contextlib.contextmanager
def pinned(redis_url: str) -> Iterator[None]:
    """This thread on one core and Redis on the other, as DESIGN.md's "one core" means;
    both get every core back after, for the benchmarks that follow."""
    cores = sorted(os.sched_getaffinity(0))
    server = redis_pid(redis_url)
    if len(cores) >= 2:
        os.sched_setaffinity(server, {cores[1]})
        os.sched_setaffinity(0, {cores[0]})
    try:
        yield
    finally:
        os.sched_setaffinity(0, set(cores))
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(server, set(cores))


async def turns_per_second(service: DialogueService, turns: int, conversations: int, label: str) -> float:
    per_conversation = max(1, turns // conversations)
    started = time.perf_counter()
    await asyncio.gather(
        *(built.talk(service, f"{label}-{n}", per_conversation) for n in range(conversations))
    )
    return conversations * (per_conversation + 1) / (time.perf_counter() - started)


def steps_per_second(engine: Engine, steps: int) -> float:
    """The engine alone, no Redis: one conversation stepped through ROUND repeatedly."""
    # A stored conversation (revision 1): a new one would only ever say the start state.
    conversation = replace(engine.new_conversation("bench", "sv"), revision=1)
    rounds = built.ROUND
    started = time.perf_counter()
    for i in range(steps):
        conversation = engine.step(conversation, rounds[i % len(rounds)]).conversation
    return steps / (time.perf_counter() - started)


async def _measure(url: str, turns: int, naive_turns: int, conversations: int) -> list[Figure]:
    content = built.content()
    shared = built.engine(content)
    naive = NaiveEngine(content.flows, shared.translator)
    async with built.store(url) as store:
        fast_service, slow_service = DialogueService(shared, store), DialogueService(naive, store)
        await turns_per_second(
            fast_service, min(2000, turns // 4), conversations, "warm"
        )  # caches, connections
        fast = await turns_per_second(fast_service, turns, conversations, "shared")
        # As many turns a conversation as above, so that both mixes have the same share
        # of first turns (which trigger no transition): fewer conversations instead.
        per_conversation = max(1, turns // conversations)
        naive_conversations = max(1, naive_turns // per_conversation)
        slow = await turns_per_second(slow_service, naive_turns, naive_conversations, "naive")
    step_fast, step_slow = steps_per_second(shared, turns), steps_per_second(naive, max(1, naive_turns // 2))
    return [
        Figure(
            "turns_per_second",
            "dialogue turns/s, 1 process on 1 core",
            f"≥ {TARGET_TURNS:,} turns/s, ≥ {TARGET_RATIO}x naive",
            fast,
            "turns/s",
            ratio=fast / slow,
            ratio_of="naive",
            met=fast >= TARGET_TURNS and fast / slow >= TARGET_RATIO,
            note=f"naive machine per message {slow:,.0f} turns/s; {conversations} conversations at once",
            detail={"naive_turns_per_second": slow, "conversations": conversations, "turns": turns},
        ),
        Figure(
            "engine_steps_per_second",
            "engine step alone (no Redis)",
            "—",
            step_fast,
            "steps/s",
            ratio=step_fast / step_slow,
            ratio_of="naive",
            note=f"naive {step_slow:,.0f} steps/s",
            detail={"naive_steps_per_second": step_slow},
        ),
    ]


def measure(url: str, turns: int = 20000, naive_turns: int = 2000, conversations: int = 100) -> list[Figure]:
    with pinned(url):
        return asyncio.run(_measure(url, turns, naive_turns, conversations))


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--naive-turns", type=int, default=2000)
    parser.add_argument("--conversations", type=int, default=100)
    args = parser.parse_args()
    with redis_server() as redis:
        print_table(measure(redis.url, args.turns, args.naive_turns, args.conversations))

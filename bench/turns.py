"""Benchmark of the dialogue turn loop: load state, step, save state and encrypted
transcript, against a real redis-server started here.

Compares the shared machine (one `transitions` machine per flow version) with the naive
baseline that builds a machine for every message. The benchmark process is pinned to one
core and Redis to the other, when there are two.

    python bench/turns.py [--turns 20000] [--conversations 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from redis.asyncio import Redis
from transitions import Machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.content_files import load_content  # noqa: E402
from bot.adapters.conversation_store import RedisConversationStore  # noqa: E402
from bot.adapters.crypto import Encryptor  # noqa: E402
from bot.adapters.redis_server import RedisServerProcess, free_port  # noqa: E402
from bot.core.dialogue import DialogueService  # noqa: E402
from bot.core.engine import CompiledFlow, Engine, machine_spec  # noqa: E402
from bot.core.local_numbers import LocalNumbers  # noqa: E402
from bot.core.messages import Incoming  # noqa: E402
from bot.core.translator import Translator  # noqa: E402

# A round through the shipped flow that ends where it began, with one free-text turn.
ROUND = [
    Incoming("", choice="safe"),
    Incoming("", choice="continue"),
    Incoming("", choice="exposed"),
    Incoming("", choice="sheltered_housing"),
    Incoming("", choice="back"),
    Incoming("", text="jag oroar mig för min syster"),
    Incoming("", choice="police"),
    Incoming("", choice="back"),
    Incoming("", choice="uses_violence"),
    Incoming("", choice="atv"),
    Incoming("", choice="global:restart"),
]


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


async def run(service: DialogueService, turns: int, conversations: int, label: str) -> float:
    per_conversation = max(1, turns // conversations)

    async def conversation(number: int) -> None:
        key = f"{label}-{number}"
        await service.handle(Incoming(key, language_hint="sv"))
        for i in range(per_conversation):
            step = ROUND[i % len(ROUND)]
            await service.handle(Incoming(key, text=step.text, choice=step.choice))

    started = time.perf_counter()
    await asyncio.gather(*(conversation(n) for n in range(conversations)))
    elapsed = time.perf_counter() - started
    return conversations * (per_conversation + 1) / elapsed


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def steps_per_second(engine: Engine, steps: int) -> float:
    """The engine alone, no Redis: one conversation stepped through ROUND repeatedly."""
    # A stored conversation (revision 1): a new one would only ever say the start state.
    conversation = replace(engine.new_conversation("bench", "sv"), revision=1)
    started = time.perf_counter()
    for i in range(steps):
        conversation = engine.step(conversation, ROUND[i % len(ROUND)]).conversation
    return steps / (time.perf_counter() - started)


async def main(turns: int, conversations: int, naive_turns: int, url: str) -> None:
    content = load_content(ROOT / "flows", ROOT / "locales").require_valid()
    translator = Translator(content.catalogues)
    redis = Redis.from_url(url)
    store = RedisConversationStore(redis, Encryptor("k1", {"k1": os.urandom(32)}), 3600)
    shared = DialogueService(Engine(content.flows, translator), store)
    naive = DialogueService(NaiveEngine(content.flows, translator), store)
    await run(shared, 2000, conversations, "warm")  # warm caches and connections
    fast = await run(shared, turns, conversations, "shared")
    slow = await run(naive, naive_turns, conversations, "naive")
    await redis.flushdb()
    await redis.aclose()
    step_fast = steps_per_second(shared.engine, turns)
    step_slow = steps_per_second(naive.engine, naive_turns)
    states = len(content.flows[0].states)
    print(f"flow: main, {states} states; Redis on loopback; {conversations} concurrent conversations")
    print("turn loop (load state, step, save state and encrypted transcript):")
    print(
        f"  shared machine per flow version: {fast:10,.0f} turns/s   target >= 5,000: {verdict(fast >= 5000)}"
    )
    print(f"  naive, machine per message:      {slow:10,.0f} turns/s")
    print(
        f"  ratio:                           {fast / slow:10.1f}x         target >= 50x: {verdict(fast / slow >= 50)}"
    )
    print("engine step alone (no Redis):")
    print(f"  shared machine per flow version: {step_fast:10,.0f} steps/s")
    print(f"  naive, machine per message:      {step_slow:10,.0f} steps/s")
    print(f"  ratio:                           {step_fast / step_slow:10.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--naive-turns", type=int, default=2000)
    parser.add_argument("--conversations", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServerProcess(Path(folder), port=free_port())
        server.start()
        try:
            cores = sorted(os.sched_getaffinity(0))
            if len(cores) >= 2 and server.pid is not None:
                os.sched_setaffinity(server.pid, {cores[1]})
                os.sched_setaffinity(0, {cores[0]})
            asyncio.run(main(args.turns, args.conversations, args.naive_turns, server.url))
        finally:
            server.stop()

"""`bench/run`: every figure of DESIGN.md's performance budget, and a few more, against a
redis-server of its own, as one table.

Exit code 0 when every benchmark ran, whether or not its target was met (the table says
so); 1 when one of them failed to run.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bench import admin_publish, handoff, memory, startup, telegram_channel, turns, web_chat, workers
from bench.common import flushall, redis_server
from bench.figures import Figure, failed
from bench.report import markdown, print_table, write_json


@dataclass
class Plan:
    turns: int = 20000
    naive_turns: int = 2000
    memory_conversations: int = 10000
    startup_runs: int = 5
    web: web_chat.WebPlan = field(default_factory=web_chat.WebPlan)
    workers_seconds: float = 10.0
    workers_conversations: int = 1000
    handoff_rounds: int = 300
    telegram_seconds: float = 20.0
    telegram_chats: int = 100
    admin_rounds: int = 20


# Every figure once, each short: for CI, where only that they run is checked.
QUICK = Plan(
    turns=3000,
    naive_turns=150,
    memory_conversations=500,
    startup_runs=1,
    web=web_chat.WebPlan(duration=3.0, saturated=2.0, pages=False, light_rate=None),
    workers_seconds=2.0,
    workers_conversations=200,
    handoff_rounds=30,
    telegram_seconds=2.0,
    telegram_chats=50,
    admin_rounds=2,
)

Say = Callable[[str], Any]


@dataclass(frozen=True)
class Phase:
    name: str
    run: Callable[[str, Plan, Say], list[Figure]]
    budget: bool = True  # False: figures DESIGN.md's budget has no target for, left out of --quick


PHASES = [
    Phase("dialogue turns", lambda url, plan, say: turns.measure(url, plan.turns, plan.naive_turns)),
    Phase("Redis memory", lambda url, plan, say: memory.measure(url, plan.memory_conversations)),
    Phase("start-up", lambda url, plan, say: startup.measure(plan.startup_runs)),
    Phase("web chat", lambda url, plan, say: web_chat.run(url, plan.web, say)),
    Phase(
        "1 vs 2 workers",
        lambda url, plan, say: workers.measure(url, plan.workers_seconds, size=plan.workers_conversations),
    ),
    Phase("handoff", lambda url, plan, say: handoff.measure(url, plan.handoff_rounds)),
    Phase(
        "Telegram",
        lambda url, plan, say: telegram_channel.measure(
            url, seconds=plan.telegram_seconds, chats=plan.telegram_chats
        ),
        budget=False,
    ),
    Phase(
        "admin publish", lambda url, plan, say: admin_publish.measure(url, plan.admin_rounds), budget=False
    ),
]


def run_all(plan: Plan, console: Console, phases: list[Phase]) -> tuple[list[Figure], dict[str, float], bool]:
    """Every phase in turn on a fresh database; a phase that fails is a row saying so,
    and the others still run. Also how long each phase took."""
    figures: list[Figure] = []
    took: dict[str, float] = {}
    ok = True
    columns = (TextColumn("{task.description:<60}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with (
        redis_server() as server,
        Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress,
    ):
        task = progress.add_task("", total=len(phases))
        for phase in phases:
            name = phase.name

            def say(text: str, name: str = name) -> None:
                progress.update(task, description=text if text.startswith(name) else f"{name}: {text}")

            say(name)
            began = time.perf_counter()
            try:
                flushall(server.url)
                figures += phase.run(server.url, plan, say)
            except Exception as error:
                ok = False
                figures.append(failed(name.replace(" ", "_"), name, name, error))
                console.print_exception(max_frames=5)
            took[name] = round(time.perf_counter() - began, 1)
            progress.console.print(f"{name}: {took[name]} s")
            progress.advance(task)
    return figures, took, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="every budget figure, short runs (about a minute; for CI)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="write the table as markdown")
    parser.add_argument("--plot", type=Path, metavar="PATH.png", help="draw the scaling figure (matplotlib)")
    parser.add_argument("--only", nargs="+", metavar="PHASE", help="run only these phases (by name)")
    args = parser.parse_args(argv)
    # A table as wide as its notes when the output is not a terminal (CI logs, files).
    console = Console(width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", 220)))
    plan = QUICK if args.quick else Plan()
    started = datetime.datetime.now(datetime.UTC)
    began = time.perf_counter()
    phases = [p for p in PHASES if p.budget or not args.quick]
    if args.only:
        phases = [p for p in PHASES if any(name.lower() in p.name.lower() for name in args.only)]
    figures, took, ok = run_all(plan, console, phases)
    mode = "quick" if args.quick else "full"
    title = f"Fristad performance budget ({mode} run, {time.perf_counter() - began:.0f} s)"
    print_table(figures, title, console)
    if args.json:
        about = {"mode": mode, "started": started.isoformat(timespec="seconds"), "plan": asdict(plan)}
        write_json(args.json, figures, **about, phase_seconds=took)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(
            f"{title}, {started:%Y-%m-%d %H:%M} UTC\n\n{markdown(figures)}", encoding="utf-8"
        )
    if args.plot:
        from bench.plot import draw

        try:
            draw(figures, args.plot)
        except ValueError as error:
            console.print(f"no plot: {error}")
            ok = False
    missed = [f.name for f in figures if f.met is False]
    console.print(f"targets missed: {', '.join(missed)}" if missed else "every target met")
    return 0 if ok and not any(math.isnan(f.measured) for f in figures) else 1

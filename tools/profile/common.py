"""What both profiling scripts share: a redis-server of their own, the production wiring
(bot.app.runtime.open_runtime) with throw-away keys, Redis command counts and a cProfile
report per turn."""

from __future__ import annotations

import base64
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.adapters.content_files import Content, load_content  # noqa: E402
from bot.adapters.redis_server import RedisServerProcess, free_port  # noqa: E402
from bot.app.settings import Settings  # noqa: E402


def random_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def settings(redis_url: str, data_dir: Path) -> Settings:
    """Production settings with fresh keys and limits too high to refuse a turn."""
    return Settings(
        redis_url=redis_url,
        data_dir=data_dir,
        flows_dir=ROOT / "flows",
        locales_dir=ROOT / "locales",
        teams_file=ROOT / "config" / "teams.yaml",
        encryption_keys=f"p1:{random_key()}",
        hmac_key=random_key(),
        log_level="WARNING",
        messages_per_minute=1_000_000,
        web_conversations_per_minute=1_000_000,
    )


def content(settings: Settings) -> Content:
    return load_content(
        settings.flows_dir, settings.locales_dir, settings.local_numbers_file, settings.teams_file
    ).require_valid()


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServerProcess]:
    server = RedisServerProcess(folder / "redis", port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def server_pid(server: RedisServerProcess) -> int | None:
    process = server._process  # for pinning it to a core
    return None if process is None else process.pid


def command_counts(url: str) -> dict[str, int]:
    """Calls per Redis command so far (INFO commandstats): exact, whatever the load."""
    client = redis.Redis.from_url(url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}


def command_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    names = set(before) | set(after)
    delta = {n: after.get(n, 0) - before.get(n, 0) for n in names}
    return {n: d for n, d in sorted(delta.items(), key=lambda item: -item[1]) if d > 0}


def print_commands(delta: dict[str, int], turns: int, ignore: tuple[str, ...] = ()) -> None:
    shown = {n: d for n, d in delta.items() if n not in ignore}
    total = sum(shown.values())
    print(f"Redis commands per turn: {total / turns:.2f} (INFO commandstats, {turns:,} turns)")
    for name, calls in shown.items():
        print(f"  {name:<12} {calls / turns:6.2f}")


def new_profile(cpu: bool) -> cProfile.Profile:
    """A profiler of wall time, or with `cpu` of this process's CPU time: on a shared
    machine, time spent waiting for a core then counts nowhere (each reading costs a
    system call, so every entry is a little slower than under the wall clock)."""
    return cProfile.Profile(time.process_time) if cpu else cProfile.Profile()


def print_profile(profile: cProfile.Profile, turns: int, top: int, out: Path | None) -> None:
    if out is not None:
        profile.dump_stats(out)
        print(f"profile written to {out} (python -m pstats {out})")
    stats = pstats.Stats(profile)
    print(f"function calls per turn: {stats.total_calls / turns:,.0f}")  # type: ignore[attr-defined]
    for order in ("cumulative", "tottime") if top else ():
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats(order).print_stats(top)
        print(f"--- top {top} by {order} ---")
        lines = text.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print("\n".join(lines[start:]).rstrip())

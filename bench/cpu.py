"""Where the CPU went during a measurement, and whether the load generator kept up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def family(pid: int) -> list[int]:
    """The process and its descendants (`fristad run --workers N` forks its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes so far (Linux)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = _stat(pid)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Percent of a core each named group of processes used between enter and exit."""

    def __init__(self, **pids: list[int]) -> None:
        self.families = pids

    def __enter__(self) -> CpuMeter:
        self.began = time.perf_counter()
        self.start = {name: cpu_seconds(pids) for name, pids in self.families.items()}
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.began
        self.usage = {
            name: round(100 * (cpu_seconds(pids) - self.start[name]) / elapsed)
            for name, pids in self.families.items()
        }

    def __str__(self) -> str:
        return ", ".join(f"{name} {percent}%" for name, percent in self.usage.items())


@contextlib.asynccontextmanager
async def loop_lag(period: float = 0.005) -> AsyncIterator[list[float]]:
    """How late this event loop wakes a task that asked to sleep `period`: when the load
    generator is the bottleneck, this grows with the latencies it measures."""
    lags: list[float] = []

    async def watch() -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(period)
            lags.append(max(0.0, time.perf_counter() - asked - period))

    watcher = asyncio.create_task(watch())
    try:
        yield lags
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher

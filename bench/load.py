"""The load generator of the web chat benchmarks: help-seekers' pages, each with its own
keep-alive connection (and its WebSocket when asked for), sending turns at an offered
rate or with requests always waiting, and what each measurement found."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.common import cuts
from bench.cpu import CpuMeter, loop_lag
from bench.http_client import Connection, connect

# From the welcome to a topic and back to the welcome; every choice valid in its state, so
# a conversation needs no turns before it joins the load.
CYCLE = ("safe", "continue", "exposed", "police", "back", "global:restart")


class Conversation:
    """One help-seeker's page: its own keep-alive connection, and its WebSocket when
    asked for."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = json.dumps(token).encode()
        self.step = 0
        self.connection: Connection | None = None
        self.events: aiohttp.ClientWebSocketResponse | None = None

    async def start(self, events: aiohttp.ClientSession | None) -> None:
        self.connection = await connect(self.url)
        if events is not None:
            self.events = await events.ws_connect(self.url.replace("http", "ws", 1) + "/api/v1/events")
            await self.events.send_json({"type": "hello", "token": json.loads(self.token), "after": "0"})
            assert (await self.events.receive_json(timeout=30))["type"] == "ready"

    async def send(self) -> tuple[float, bool]:
        """How long the turn took, and whether it was answered (200); an overloaded
        server answers 503 when it waited too long for Redis."""
        if self.connection is None or self.connection.closed:
            # As a browser does when the server closed an idle keep-alive connection.
            self.connection = await connect(self.url)
        choice = CYCLE[self.step % len(CYCLE)]
        body = b'{"token": %s, "choice": "%s"}' % (self.token, choice.encode())
        began = time.perf_counter()
        status, answer = await self.connection.post("/api/v1/messages", body)
        elapsed = time.perf_counter() - began
        if status == 200:
            self.step += 1  # a refused turn is tried again, so the choices stay valid
        elif status != 503:
            raise AssertionError(status, answer)
        return elapsed, status == 200

    async def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()
        events, self.events = self.events, None
        if events is not None:
            await events.close()


@contextlib.asynccontextmanager
async def conversations(url: str, tokens: list[str], websockets: bool) -> AsyncIterator[list[Conversation]]:
    """A connected page for each conversation; their connections closed after."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as events:
        started = [Conversation(url, token) for token in tokens]
        count = len(started)
        # Fewer connections at once than the server's listen backlog (aiohttp's is 128):
        # a SYN beyond it is dropped and sent again only a second later.
        step = 50 if websockets else 100
        try:
            for batch in range(0, count, step):
                await asyncio.gather(
                    *(c.start(events if websockets else None) for c in started[batch : batch + step])
                )
            yield started
        finally:
            await asyncio.gather(*(c.close() for c in started), return_exceptions=True)


class Tally:
    """Latencies of every turn sent (a refused one too: its person waited as long), and
    how many were answered and refused."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.answered = self.refused = 0
        self.began = time.perf_counter()

    async def send(self, conversation: Conversation) -> None:
        elapsed, answered = await conversation.send()
        self.latencies.append(elapsed)
        if answered:
            self.answered += 1
        else:
            self.refused += 1

    def turns_per_second(self) -> float:
        # Over the time until the last answer: a server that falls behind shows as fewer
        # turns/s than offered, not only as latency.
        return self.answered / (time.perf_counter() - self.began)


async def offered_load(talks: list[Conversation], rate: float, duration: float) -> Tally:
    interval = len(talks) / rate

    async def run(conversation: Conversation) -> None:
        # Poisson arrivals per conversation; a turn is sent at its moment, or at once when
        # the previous one came back late.
        next_at = tally.began + random.expovariate(1 / interval)
        while next_at < deadline:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            await tally.send(conversation)
            next_at += random.expovariate(1 / interval)

    tally = Tally()
    deadline = tally.began + duration
    await asyncio.gather(*(run(c) for c in talks))
    return tally


async def saturated(talks: list[Conversation], in_flight: int, duration: float) -> Tally:
    async def run(group: list[Conversation]) -> None:
        i = 0
        while time.perf_counter() < deadline:
            await tally.send(group[i % len(group)])
            i += 1

    tally = Tally()
    deadline = tally.began + duration
    await asyncio.gather(*(run(talks[i::in_flight]) for i in range(in_flight)))
    return tally


@dataclass
class Load:
    """One measurement: turns/s, latencies and where the CPU went."""

    conversations: int
    turns_per_second: float
    p50_ms: float
    p99_ms: float
    offered: float | None = None  # None: saturated
    websockets: bool = False
    setup_seconds: float = 0.0
    cpu_percent: dict[str, int] = field(default_factory=dict)
    client_lag_p99_ms: float = 0.0
    refused: int = 0  # 503: the server waited too long for Redis

    @classmethod
    def of(cls, size: int, tally: Tally, lags: list[float], cpu: CpuMeter, **more: Any) -> Load:
        p50, p99 = cuts(tally.latencies)
        lag = cuts(lags)[1] if lags else 0.0
        return cls(size, tally.turns_per_second(), p50, p99, **more, cpu_percent=cpu.usage,
                   client_lag_p99_ms=lag, refused=tally.refused)  # fmt: skip

    def cpu(self) -> str:
        """Where the CPU went, and how late the load generator's own loop ran: when that
        lag is small next to the latencies, the client was not the bottleneck."""
        usage = ", ".join(f"{name} {percent}%" for name, percent in self.cpu_percent.items())
        refused = f"{self.refused:,} turns refused (503); " if self.refused else ""
        return f"{refused}CPU (% of a core) {usage}; client loop lag p99 {self.client_lag_p99_ms:.1f} ms"


async def most_turns(
    talks: list[Conversation], pids: dict[str, list[int]], in_flight: int, seconds: float
) -> Load:
    await saturated(talks, in_flight, min(1.0, seconds / 4))  # warm: connections, caches
    with CpuMeter(**pids) as cpu:
        async with loop_lag() as lags:
            tally = await saturated(talks, in_flight, seconds)
    return Load.of(len(talks), tally, lags, cpu)

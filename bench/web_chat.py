"""Benchmark of the web chat over HTTP: `fristad run` in its own process against a real
redis-server, and this process as the load generator.

Two figures:
- offered load: 1,000 conversations together send RATE turns/s in total (each about
  every CONVERSATIONS/RATE seconds, at random moments), for DURATION seconds; achieved
  turns/s and latency percentiles. This is the DESIGN.md target: 2,000 turns/s with
  1,000 concurrent conversations, p99 under 25 ms.
- the most turns/s the server gives with IN_FLIGHT requests always waiting.

    python bench/web_chat.py [--conversations 1000] [--rate 2000] [--duration 20]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.redis_server import RedisServerProcess, free_port  # noqa: E402

# From the main menu: a role, a topic, back to the menu; every choice valid in its state.
CYCLE = ("exposed", "police", "back")


def server_env(redis_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "FRISTAD_DATA_DIR": data_dir,
        "FRISTAD_ENCRYPTION_KEYS": f"b1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "FRISTAD_HMAC_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FRISTAD_MESSAGES_PER_MINUTE": "1000000",
        "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "1000000",
        "FRISTAD_LOG_LEVEL": "WARNING",
    }


async def wait_ready(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(100):
        try:
            async with session.get(url + "/readyz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not become ready")


class Conversation:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.token = ""
        self.step = 0

    async def start(self) -> None:
        async with self.session.post(self.url + "/api/v1/conversations", json={"language": "sv"}) as r:
            assert r.status == 201, r.status
            self.token = (await r.json())["token"]
        for choice in ("safe", "continue"):
            await self.send(choice)

    async def send(self, choice: str | None = None) -> float:
        if choice is None:
            choice = CYCLE[self.step % len(CYCLE)]
            self.step += 1
        began = time.perf_counter()
        async with self.session.post(
            self.url + "/api/v1/messages", json={"token": self.token, "choice": choice}
        ) as r:
            body = await r.json()
            assert r.status == 200, (r.status, body)
        return time.perf_counter() - began


async def offered_load(
    conversations: list[Conversation], rate: float, duration: float
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    interval = len(conversations) / rate

    async def run(conversation: Conversation) -> None:
        # Poisson arrivals per conversation; a turn is sent at its moment, or at once when
        # the previous one came back late.
        next_at = began + random.expovariate(1 / interval)
        while next_at < deadline:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            latencies.append(await conversation.send())
            next_at += random.expovariate(1 / interval)

    began = time.perf_counter()
    deadline = began + duration
    await asyncio.gather(*(run(c) for c in conversations))
    return int(len(latencies) / duration), latencies


async def saturated(
    conversations: list[Conversation], in_flight: int, duration: float
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + duration

    async def run(group: list[Conversation]) -> None:
        i = 0
        while time.perf_counter() < deadline:
            latencies.append(await group[i % len(group)].send())
            i += 1

    groups = [conversations[i::in_flight] for i in range(in_flight)]
    began = time.perf_counter()
    await asyncio.gather(*(run(g) for g in groups))
    return int(len(latencies) / (time.perf_counter() - began)), latencies


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """How busy the server and this load generator were during one measurement."""

    def __init__(self, server_pid: int) -> None:
        self.pids = {"server": server_pid, "load generator": os.getpid()}

    def __enter__(self) -> CpuMeter:
        self.began = time.perf_counter()
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.began
        self.usage = {
            name: 100 * (cpu_seconds(pid) - self.start[name]) / elapsed for name, pid in self.pids.items()
        }

    def __str__(self) -> str:
        return ", ".join(f"{name} {percent:.0f}% of a core" for name, percent in self.usage.items())


def percentiles(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {cuts[49] * 1000:6.1f} ms   p99 {cuts[98] * 1000:6.1f} ms"


async def main(args: argparse.Namespace, url: str, server_pid: int) -> None:
    connector = aiohttp.TCPConnector(limit=args.connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        await wait_ready(session, url)
        conversations = [Conversation(session, url) for _ in range(args.conversations)]
        began = time.perf_counter()
        for batch in range(0, len(conversations), 100):
            await asyncio.gather(*(c.start() for c in conversations[batch : batch + 100]))
        print(f"{len(conversations)} conversations started in {time.perf_counter() - began:.1f} s")

        with CpuMeter(server_pid) as cpu:
            achieved, latencies = await offered_load(conversations, args.rate, args.duration)
        met = achieved >= 0.95 * args.rate and statistics.quantiles(latencies, n=100)[98] < 0.025
        print(
            f"offered {args.rate:,.0f} turns/s over {args.conversations:,} conversations: "
            f"{achieved:,} turns/s   {percentiles(latencies)}   "
            f"target >= 2,000 turns/s, p99 < 25 ms: {'met' if met else 'NOT MET'}\n    ({cpu})"
        )
        with CpuMeter(server_pid) as cpu:
            achieved, latencies = await saturated(conversations, args.in_flight, args.duration / 2)
        print(
            f"saturated, {args.in_flight} requests in flight: {achieved:,} turns/s   {percentiles(latencies)}"
            f"\n    ({cpu})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=2000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--connections", type=int, default=256, help="HTTP keep-alive connections")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        redis = RedisServerProcess(Path(tmp) / "redis", port=free_port())
        redis.start()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", "run", "--port", str(port)],
            env=server_env(redis.url, tmp),
            cwd=ROOT,
        )
        try:
            uvloop.run(main(args, f"http://127.0.0.1:{port}", server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)
            redis.stop()

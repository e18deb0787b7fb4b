"""Profile of the web chat path: the real aiohttp app (bot.app.web.init_app, wired as
`fristad run` wires it) served in this process on uvloop, against a redis-server started
here; the load comes from a child process (this script with --client) over HTTP
keep-alive connections, so the profile holds the server's work only.

The child starts --conversations conversations, then keeps --in-flight requests always
waiting (each a choice valid in its state) until --turns turns are answered. Prints the
turns/s and latency the child saw, the server's CPU seconds per turn, Redis commands per
turn (INFO commandstats) and, with --profile, the cProfile top entries of the server.

    python tools/profile/web_chat.py [--conversations 1000] [--turns 20000] [--in-flight 32] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import uvloop
from aiohttp import web
from common import (  # type: ignore[import-not-found]
    command_counts,
    command_delta,
    content,
    new_profile,
    print_commands,
    print_profile,
    redis_server,
    settings,
)

from bot.adapters.redis_server import free_port
from bot.app.web import init_app

# From the main menu: a role, a topic, back to the menu (as bench/web_chat.py).
CYCLE = ("exposed", "police", "back")


# --- the load generator (child process) ---


async def client(url: str, conversations: int, turns: int, in_flight: int, connections: int) -> None:
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def post(path: str, body: dict[str, str], status: int) -> dict[str, object]:
            async with session.post(url + path, json=body) as response:
                answer: dict[str, object] = await response.json()
                assert response.status == status, (response.status, answer)
                return answer

        async def start() -> str:
            token = str((await post("/api/v1/conversations", {"language": "sv"}, 201))["token"])
            for choice in ("safe", "continue"):
                await post("/api/v1/messages", {"token": token, "choice": choice}, 200)
            return token

        tokens: list[str] = []
        for batch in range(0, conversations, 100):
            tokens += await asyncio.gather(*(start() for _ in range(min(100, conversations - batch))))
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # "go"

        latencies: list[float] = []
        steps = [0] * len(tokens)
        remaining = turns

        async def worker(group: range) -> None:
            nonlocal remaining
            i = 0
            while remaining > 0:
                remaining -= 1
                n = group[i % len(group)]
                i += 1
                choice = CYCLE[steps[n] % len(CYCLE)]
                steps[n] += 1
                began = time.perf_counter()
                await post("/api/v1/messages", {"token": tokens[n], "choice": choice}, 200)
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(worker(range(k, len(tokens), in_flight)) for k in range(in_flight)))
        elapsed = time.perf_counter() - began
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"{len(latencies) / elapsed:8,.0f} turns/s   p50 {cuts[49] * 1000:5.1f} ms   "
            f"p99 {cuts[98] * 1000:5.1f} ms   ({len(latencies):,} turns, {in_flight} in flight)",
            flush=True,
        )


# --- the server (this process) ---


async def serve(args: argparse.Namespace, redis_url: str, folder: Path) -> None:
    wiring = settings(redis_url, folder)
    app = init_app(wiring, content(wiring))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        for run in range(args.runs):
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--client",
                f"http://127.0.0.1:{port}",
                "--conversations",
                str(args.conversations),
                "--turns",
                str(args.turns),
                "--in-flight",
                str(args.in_flight),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert child.stdin is not None
            assert child.stdout is not None
            ready = await child.stdout.readline()
            assert ready.strip() == b"ready", ready
            before = command_counts(redis_url)
            profile = new_profile(args.cpu) if args.profile else None
            cpu = time.process_time()
            if profile is not None:
                profile.enable()
            child.stdin.write(b"go\n")
            await child.stdin.drain()
            result = (await child.stdout.readline()).decode().rstrip()
            if profile is not None:
                profile.disable()
            cpu = time.process_time() - cpu
            await child.wait()
            print(
                f"run {run + 1}: {result}\n       server {cpu / args.turns * 1e6:6.1f} µs CPU per turn"
                f"{'   (under cProfile)' if profile else ''}"
            )
            if run == 0:
                print_commands(command_delta(before, command_counts(redis_url)), args.turns, ("info",))
            if profile is not None:
                print_profile(profile, args.turns, args.top, args.out)
                break
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=20000)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--connections", type=int, default=256, help="HTTP keep-alive connections")
    parser.add_argument("--runs", type=int, default=3, help="measurements (one with --profile)")
    parser.add_argument("--profile", action="store_true", help="run the server under cProfile")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time (time.process_time), not wall time"
    )
    parser.add_argument("--out", type=Path, help="write the cProfile stats here")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        uvloop.run(client(args.client, args.conversations, args.turns, args.in_flight, args.connections))
    else:
        with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as server:
            uvloop.run(serve(args, server.url, Path(tmp)))

"""What the benchmarks share: a redis-server of their own, `fristad run` processes on it
with fresh keys and no rate limits, and latency percentiles."""

from __future__ import annotations

import base64
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import redis

from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.errors import ConfigError
from tests.helpers.two_workers import wait_ready

ROOT = Path(__file__).resolve().parents[1]
# What a user runs; `python -m bot.app.cli` where the venv has no entry point.
_SCRIPT = Path(sys.executable).with_name("fristad")
FRISTAD = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "bot.app.cli"]


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServerProcess]:
    """A redis-server on a free loopback port, nothing kept."""
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(5):  # the free port may be taken between choosing and binding it
            server = RedisServerProcess(Path(folder), port=free_port())
            try:
                server.start()
            except ConfigError:
                continue
            try:
                yield server
            finally:
                server.stop()
            return
        raise RuntimeError("could not start redis-server on a free port")


def redis_pid(url: str) -> int:
    """The server's own process id, which RedisServerProcess does not expose."""
    client = redis.Redis.from_url(url)
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


def flushall(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushall()
    finally:
        client.close()


def clean_environ() -> dict[str, str]:
    """This environment without Fristad's settings, so that the caller's never leak in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("FRISTAD_", "TELEGRAM_", "REDIS_"))}


def server_env(redis_url: str, data_dir: str | Path) -> dict[str, str]:
    """`fristad run` on `redis_url` with fresh keys, and limits that a load generator
    from one address would otherwise hit at once."""
    return {
        **clean_environ(),
        "REDIS_URL": redis_url,
        "FRISTAD_DATA_DIR": str(data_dir),
        "FRISTAD_ENCRYPTION_KEYS": f"b1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "FRISTAD_HMAC_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FRISTAD_MESSAGES_PER_MINUTE": "1000000",
        "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "1000000",
        "FRISTAD_LOG_LEVEL": "WARNING",
    }


@contextlib.contextmanager
def fristad_run(env: dict[str, str], port: int, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """`fristad run --port PORT OPTIONS`, ready when it is yielded, stopped after. Its
    output goes to a file (an overloaded server logs every refused turn), shown when it
    does not become ready."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*FRISTAD, "run", "--port", str(port), *options], env=env, cwd=ROOT, stdout=log, stderr=log
        )
        try:
            try:
                wait_ready(f"http://127.0.0.1:{port}", process)
            except AssertionError:
                log.seek(0)
                sys.stderr.write(log.read()[-3000:].decode(errors="replace"))
                raise
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cuts(seconds: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    if len(seconds) < 2:
        only = seconds[0] * 1000 if seconds else float("nan")
        return only, only
    points = statistics.quantiles(seconds, n=100, method="inclusive")
    return points[49] * 1000, points[98] * 1000

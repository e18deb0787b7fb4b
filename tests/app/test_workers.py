"""`fristad run --workers 2` as real processes: both workers take connections on the one
address, a conversation and a handoff go on whichever worker each request reaches, a
publish reaches both, a killed worker is started again, SIGTERM stops everything, and
bad values are refused. Which worker answered is read from /proc: the worker process
that holds the server side of the still open connection."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.app import workers
from bot.app.cli import main
from bot.app.settings import Settings
from bot.app.workers import GIVE_UP_AFTER, Supervisor, check_address_free
from bot.errors import ConfigError
from tests.app.test_cli import FRISTAD, environment
from tests.app.test_publish_across_workers import NEW_WELCOME
from tests.conftest import key_env
from tests.helpers.content import ROOT
from tests.helpers.two_workers import PASSWORD, Caseworker, talk_both_ways

START_SECONDS = 30  # two workers starting together on a busy 2-core machine
STOP_BOUND_SECONDS = 10  # a graceful stop of idle workers takes about a second
# The tests make more conversations and turns per minute than a person would.
BUSY_ENV = {"FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000", "FRISTAD_MESSAGES_PER_MINUTE": "100000"}


@dataclass
class Service:
    supervisor: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def supervised(env: dict[str, str], log: Path, workers: str = "2") -> Iterator[Service]:
    """`fristad run --workers` on a free port, its output (and its workers') in `log`."""
    port = free_port()
    with log.open("wb") as out:
        supervisor = subprocess.Popen(
            [FRISTAD, "run", "--port", str(port), "--workers", workers],
            env=environment(FRISTAD_LOG_LEVEL="WARNING", **BUSY_ENV, **env),
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        yield Service(supervisor, port, log)
    finally:
        if supervisor.poll() is None:
            supervisor.terminate()
        supervisor.wait(timeout=30)


@pytest.fixture(scope="module")
def service(redis_server: RedisServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with supervised(
        {**key_env(), "REDIS_URL": redis_server.url}, tmp_path_factory.mktemp("workers") / "log"
    ) as running:
        wait_for_workers(running, 2)
        yield running


# --- which process is which, from /proc -------------------------------------------


def children(pid: int) -> list[int]:
    with contextlib.suppress(FileNotFoundError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def worker_pids(service: Service) -> list[int]:
    return [pid for pid in children(service.supervisor.pid) if b"--worker" in command_line(pid)]


def worker_number(pid: int) -> str:
    """The number the supervisor gave the worker (`--worker N`, its last argument)."""
    return command_line(pid).split(b"\0")[-2].decode()


def command_line(pid: int) -> bytes:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


def alive(pid: int) -> bool:
    """Neither gone nor a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes


def tcp_sockets(port: int, state: str) -> list[tuple[int, int]]:
    """(remote port, inode) of the TCP sockets here on local `port` in `state` (01
    established, 0A listening). A pattern, not a parse: the tables of a busy test
    machine hold thousands of closed connections."""
    line = re.compile(
        rf"^ *\d+: [0-9A-F]+:{port:04X} [0-9A-F]+:([0-9A-F]{{4}}) {state} +(?:\S+ +){{5}}(\d+) ", re.M
    )
    found: list[tuple[int, int]] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            found += [
                (int(remote, 16), int(inode)) for remote, inode in line.findall(Path(table).read_text())
            ]
    return found


def listeners(port: int) -> set[int]:
    return {inode for _, inode in tcp_sockets(port, "0A")}


def wait_for_workers(service: Service, count: int, not_these: frozenset[int] = frozenset()) -> list[int]:
    """Until `count` workers (none of `not_these`) listen on the port: only then do they
    take connections (aiohttp binds after the app has started)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert service.supervisor.poll() is None, service.log.read_text()
        pids = [pid for pid in worker_pids(service) if alive(pid)]
        if len(pids) == count and not set(pids) & not_these:
            listening = listeners(service.port)
            if all(listening & socket_inodes(pid) for pid in pids):
                return pids
        time.sleep(0.05)
    raise AssertionError(f"{count} workers did not start listening:\n{service.log.read_text()}")


class Connections:
    """Requests, each on a connection of its own, kept open: the process holding the
    server side of each is then found, all at once."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.open: list[http.client.HTTPConnection] = []

    def __enter__(self) -> Connections:
        return self

    def __exit__(self, *_: object) -> None:
        for connection in self.open:
            connection.close()

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.service.port, timeout=10)
        self.open.append(connection)
        connection.request(
            method,
            path,
            body=json.dumps(body) if body else None,
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        data = response.read()
        assert response.status in (200, 201), data
        return json.loads(data)

    def served_by(self) -> list[int]:
        """For each request, the process (the supervisor or one of its children) that
        holds the other end of its connection."""
        supervisor = self.service.supervisor.pid
        holders = {inode: pid for pid in (supervisor, *children(supervisor)) for inode in socket_inodes(pid)}
        table = dict(tcp_sockets(self.service.port, "01"))
        ports = []
        for connection in self.open:
            assert connection.sock is not None  # kept alive: the server side is still open
            ports.append(connection.sock.getsockname()[1])
        return [holders[table[port]] for port in ports]


def on_new_connection(
    service: Service, method: str, path: str, body: dict[str, str] | None = None
) -> tuple[Any, int]:
    """One request: the JSON answer and the pid of the worker that gave it."""
    with Connections(service) as connection:
        answer = connection.request(method, path, body)
        [pid] = connection.served_by()
    return answer, pid


# --- the running service ------------------------------------------------------------


def test_both_workers_take_connections_on_the_one_port(service: Service) -> None:
    pids = wait_for_workers(service, 2)
    with Connections(service) as connections:
        for _ in range(40):
            connections.request("GET", "/readyz")
        served = Counter(connections.served_by())
    assert set(served) == set(pids), served  # each worker answered some, nobody else did
    assert service.supervisor.pid not in served


def test_a_conversation_goes_on_whichever_worker_each_turn_reaches(service: Service) -> None:
    started, _ = on_new_connection(service, "POST", "/api/v1/conversations", {"language": "sv"})
    token = started["token"]
    # A round through the flow: each choice is only offered in the state the turn
    # before left, so a reply to it shows that state was found, whichever worker saved it.
    steps = ["safe", "continue", *["uses_violence", "atv", "back"] * 6]
    offered = [o["id"] for o in started["replies"][-1]["options"]]
    with Connections(service) as connections:
        for number, choice in enumerate(steps):
            assert choice in offered, (number, choice, offered)
            turn = connections.request("POST", "/api/v1/messages", {"token": token, "choice": choice})
            if choice == "atv":
                assert turn["replies"][0]["text"].startswith("ATV betyder Alternativ till våld")
            offered = [o["id"] for o in turn["replies"][-1]["options"]]
        turns_by = Counter(connections.served_by())
    assert len(turns_by) == 2, turns_by
    assert min(turns_by.values()) >= 2, turns_by


async def test_a_handoff_reaches_a_caseworker_and_back_through_the_workers(
    service: Service, redis: Redis
) -> None:
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    await talk_both_ways(service.url, service.url)


async def test_a_publish_is_what_every_worker_says(service: Service, redis: Redis) -> None:
    await Accounts(redis).add("anna", PASSWORD, "admin", ())
    pids = set(await asyncio.to_thread(wait_for_workers, service, 2))

    async def first_words() -> tuple[str, int]:
        started, pid = await asyncio.to_thread(
            on_new_connection, service, "POST", "/api/v1/conversations", {"language": "sv"}
        )
        return started["replies"][0]["text"], pid

    # Each test starts on an empty Redis: the workers run the shipped texts within a
    # moment, whatever an earlier test published.
    shipped: set[int] = set()
    deadline = time.monotonic() + 5
    while shipped != pids:
        assert time.monotonic() < deadline, "the workers did not go back to the shipped texts"
        words, pid = await first_words()
        if words != NEW_WELCOME:
            shipped.add(pid)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff:
        anna = Caseworker(staff, service.url, "anna")  # the console's login serves the admin pages
        await anna.log_in()
        async with staff.get(service.url + "/admin/texts/sv") as response:
            page = await response.text()
        csrf = re.findall(r'data-csrf="([^"]+)"', page)[0]
        revision = int(re.findall(r'data-revision="(\d+)"', page)[0])
        async with staff.post(
            service.url + "/admin/api/texts/sv",
            json={"messages": {"welcome": NEW_WELCOME}, "revision": revision},
            headers={"X-CSRF-Token": csrf},
        ) as response:
            revision = (await response.json())["revision"]
        async with staff.post(
            service.url + "/admin/publish", data={"csrf": csrf, "revision": revision}, allow_redirects=False
        ) as response:
            assert response.status == 303
    published_at = time.monotonic()
    switched: set[int] = set()
    while switched != pids:
        assert time.monotonic() - published_at < 5, f"only {switched} of {pids} switched"
        words, pid = await first_words()
        if words == NEW_WELCOME:
            switched.add(pid)
        else:
            assert pid not in switched, "a worker went back to the old text"
            await asyncio.sleep(0.02)


def test_a_killed_worker_is_started_again_and_the_service_keeps_answering(service: Service) -> None:
    killed, survivor = wait_for_workers(service, 2)
    number = worker_number(killed)
    os.kill(killed, signal.SIGKILL)
    # Its connections in flight are lost; once its listening socket is closed (with its
    # last thread, which can be after the process shows as a zombie) none are.
    while len(listeners(service.port)) > 1:
        time.sleep(0.01)
    with Connections(service) as connections:
        for _ in range(10):  # meanwhile the other worker takes every connection
            connections.request("GET", "/readyz")
        assert set(connections.served_by()) == {survivor}
    restarted = wait_for_workers(service, 2, not_these=frozenset({killed}))
    assert survivor in restarted
    assert sorted(worker_number(pid) for pid in restarted) == ["1", "2"]
    with Connections(service) as connections:
        for _ in range(20):
            connections.request("GET", "/readyz")
        served = Counter(connections.served_by())
    assert set(served) == set(restarted), served
    assert (
        f"WARNING bot.app.workers: worker {number} stopped (signal SIGKILL); starting it again in 0.5 s"
        in (service.log.read_text())
    )


# --- whole runs ---------------------------------------------------------------------


def test_sigterm_stops_the_workers_and_the_embedded_redis_within_a_bound(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # No REDIS_URL, no keys: the supervisor starts Redis and makes development keys first.
    with supervised({"FRISTAD_DATA_DIR": str(data)}, tmp_path / "log") as running:
        pids = wait_for_workers(running, 2)
        [redis_pid] = [p for p in children(running.supervisor.pid) if p not in pids]
        assert b"redis-server" in command_line(redis_pid)
        for pid in pids:  # each worker was handed the embedded server's address, and started none
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert f"REDIS_URL=unix://{data.absolute()}/redis.sock".encode() in environ
            assert children(pid) == []
        with Connections(running) as connections:
            started = connections.request("POST", "/api/v1/conversations", {"language": "sv"})
            connections.request("POST", "/api/v1/messages", {"token": started["token"], "choice": "safe"})
        asked = time.monotonic()
        running.supervisor.send_signal(signal.SIGTERM)
        assert running.supervisor.wait(timeout=STOP_BOUND_SECONDS + 5) == 0
        took = time.monotonic() - asked
    assert took < STOP_BOUND_SECONDS
    assert not any(alive(pid) for pid in [*pids, redis_pid])
    assert not (data / "redis.sock").exists()  # the embedded Redis stopped, last
    assert (data / "redis" / "appendonly.aof").exists()
    log = running.log.read_text()
    assert log.count("DEVELOPMENT KEYS IN USE") == 1  # said by the supervisor, once
    assert "Traceback" not in log


def test_workers_that_do_not_stop_are_killed_after_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "STOP_SECONDS", 1.0)  # 15 s in earnest
    supervisor = Supervisor(Settings(workers=2), "127.0.0.1", free_port())
    deaf = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); time.sleep(60)"
    for worker in supervisor.workers:
        worker.process = subprocess.Popen([sys.executable, "-c", deaf], stdout=subprocess.PIPE)
        assert worker.process.stdout is not None
        with worker.process.stdout:
            worker.process.stdout.readline()  # SIGTERM is ignored from here on
    processes = [worker.process for worker in supervisor.workers]
    asked = time.monotonic()
    supervisor.stop_workers()
    assert 1.0 <= time.monotonic() - asked < 3
    assert [p.returncode for p in processes if p is not None] == [-signal.SIGKILL] * 2


def test_a_worker_that_keeps_dying_at_start_makes_the_supervisor_give_up(
    redis_server: RedisServerProcess, tmp_path: Path
) -> None:
    env = {**key_env(), "REDIS_URL": redis_server.url}
    with supervised(env, tmp_path / "log") as running:
        killed: set[int] = set()
        deadline = time.monotonic() + 30
        while running.supervisor.poll() is None:
            assert time.monotonic() < deadline, "the supervisor did not give up"
            for pid in set(children(running.supervisor.pid)) - killed:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            time.sleep(0.01)
    assert running.supervisor.returncode == 1
    assert len(killed) >= GIVE_UP_AFTER
    assert not any(alive(pid) for pid in killed)
    log = running.log.read_text()
    assert re.search(
        rf"fristad: worker [12] stopped {GIVE_UP_AFTER} times in a row, each within 10 s of starting "
        r"\(last: signal SIGKILL\); giving up\.",
        log,
    )


def test_an_address_in_use_is_refused_before_any_worker_starts(redis_server: RedisServerProcess) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [FRISTAD, "run", "--port", str(port), "--workers", "2"],
            env=environment(**key_env(), REDIS_URL=redis_server.url),
            cwd=ROOT, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"fristad: cannot serve on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "workers serving" not in done.stderr


def test_bad_numbers_of_workers_are_refused_with_a_clear_message() -> None:
    refusals = {
        "0": "fristad: --workers must be between 1 and 64, got 0",
        "-1": "fristad: --workers must be between 1 and 64, got -1",
        "x": "fristad: --workers='x' is not a whole number",
    }
    # Started together, they take the time of one.
    runs = {
        value: subprocess.Popen(
            [FRISTAD, "run", "--port", str(free_port()), "--workers", value],
            env=environment(**key_env()),
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for value in refusals
    }
    for value, run in runs.items():
        stdout, stderr = run.communicate(timeout=30)
        assert (run.returncode, stdout, stderr) == (1, "", refusals[value] + "\n")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FRISTAD_WORKERS": "x"}, "fristad: FRISTAD_WORKERS='x' is not a whole number"),
        ({"FRISTAD_WORKERS": "65"}, "fristad: FRISTAD_WORKERS must be between 1 and 64, got 65"),
        (
            {"FRISTAD_WORKERS": "2", "TELEGRAM_BOT_TOKEN": "123456:" + "a" * 35},
            "fristad: several workers need TELEGRAM_WEBHOOK_URL: Telegram lets only one process poll",
        ),
    ],
)
def test_fristad_workers_is_checked_like_every_setting(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith(("FRISTAD_", "TELEGRAM_", "REDIS_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 1
    assert capsys.readouterr().err.startswith(message)


def test_port_0_is_refused_for_several_workers() -> None:
    with pytest.raises(ConfigError, match="--port 0 would give each worker a port of its own"):
        check_address_free("127.0.0.1", 0)

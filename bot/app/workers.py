"""`fristad run --workers N`: a supervisor that starts the embedded Redis (when REDIS_URL
is unset), then N `fristad run` processes that all bind the same address with
SO_REUSEPORT; it starts again a worker that dies, and stops them all on SIGTERM or
SIGINT."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

from bot.adapters.redis_server import RedisServerProcess, embedded_redis
from bot.app.keys import development_key_environment, load_keys
from bot.app.settings import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

# A stopping process (a worker, or a single `fristad run`) first drains for this long: it
# still listens and answers turns, but refuses new conversations and sockets (503) and
# /readyz says "stopping"; its WebSockets are closed at once with a reconnect code.
DRAIN_SECONDS = 1.0
# Then it stops listening and waits this long for requests in progress, then cancels them.
WORKER_SHUTDOWN_SECONDS = 3.0
# A stop takes at most this long: the drain, the requests, the background tasks (5 s,
# bot/app/runtime.py) and closing Redis (not counting the embedded Redis's own save).
STOP_BOUND_SECONDS = DRAIN_SECONDS + WORKER_SHUTDOWN_SECONDS + 5.0 + 1.0
# Then the workers still running are killed: their requests and their own clean-up (up to
# 5 s for background tasks) had time enough.
STOP_SECONDS = 15.0
FIRST_PAUSE_SECONDS = 0.5  # before starting a dead worker again; doubled while it keeps dying
MOST_PAUSE_SECONDS = 10.0
STEADY_SECONDS = 10.0  # a worker that ran this long did not die of how it was started
GIVE_UP_AFTER = 4  # deaths in a row of one worker, each within STEADY_SECONDS of its start
POLL_SECONDS = 0.1


@dataclass
class Worker:
    number: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    failures: int = 0  # deaths in a row soon after starting
    due: float = 0.0  # when to start it again after a death


def supervise(settings: Settings, host: str, port: int) -> int:
    """Run `settings.workers` worker processes on host:port until a signal; the exit code."""
    supervisor = Supervisor(settings, host, port)
    previous = {sig: signal.signal(sig, supervisor.take_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return supervisor.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Supervisor:
    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self.settings, self.host, self.port = settings, host, port
        self.workers = [Worker(number) for number in range(1, settings.workers + 1)]
        self.signals: list[int] = []

    def take_signal(self, number: int, frame: FrameType | None) -> None:
        self.signals.append(number)

    def run(self) -> int:
        check_address_free(self.host, self.port)
        env = dict(os.environ)
        # Made here, once, so N workers do not race to write the development keys file.
        keys = load_keys(self.settings)
        embedded: RedisServerProcess | None = None
        url = self.settings.redis_url
        if url is None:
            # Started here, before the workers, so that they do not race to start it.
            embedded = embedded_redis(self.settings.data_dir)
            url = embedded.url
            started = embedded.start()
            log.info("embedded Redis %s", "started" if started else "already running, shared")
            if not started:
                embedded = None  # another process owns it and stops it
            if keys.development:
                # A worker given REDIS_URL takes only configured keys: hand it the ones just read.
                env.update(development_key_environment(self.settings))
        env["REDIS_URL"] = url
        try:
            return self._serve(env)
        finally:
            if embedded is not None:
                embedded.stop()  # last: the workers flush their state into it while stopping

    def _serve(self, env: dict[str, str]) -> int:
        if self.signals:
            return 0
        for worker in self.workers:
            self._start(worker, env)
        log.info("%d workers serving http://%s:%d", len(self.workers), self.host, self.port)
        try:
            while not self.signals:
                time.sleep(POLL_SECONDS)
                now = time.monotonic()
                for worker in self.workers:
                    if worker.process is None:
                        if now >= worker.due:
                            self._start(worker, env)
                        continue
                    code = worker.process.poll()
                    if code is None:
                        continue
                    if not self._note_death(worker, code, now):
                        return 1
            return 0
        finally:
            self.stop_workers()

    def _start(self, worker: Worker, env: dict[str, str]) -> None:
        command = [sys.executable, "-m", "bot", "run", "--host", self.host, "--port", str(self.port),
                   "--worker", str(worker.number)]  # fmt: skip
        worker.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)  # noqa: S603
        worker.started = time.monotonic()

    def _note_death(self, worker: Worker, code: int, now: float) -> bool:
        """Plan the restart of a worker that died; False when it keeps dying at once."""
        worker.process = None
        worker.failures = worker.failures + 1 if now - worker.started < STEADY_SECONDS else 0
        if worker.failures >= GIVE_UP_AFTER:
            print(
                f"fristad: worker {worker.number} stopped {worker.failures} times in a row, each within "
                f"{STEADY_SECONDS:.0f} s of starting (last: {how(code)}); giving up. Its messages above "
                "say why (an address in use, a configuration the workers refuse).",
                file=sys.stderr,
            )
            return False
        pause = min(FIRST_PAUSE_SECONDS * 2 ** max(worker.failures - 1, 0), MOST_PAUSE_SECONDS)
        worker.due = now + pause
        log.warning("worker %d stopped (%s); starting it again in %.1f s", worker.number, how(code), pause)
        return True

    def stop_workers(self) -> None:
        """Pass the signal on, wait for the workers, kill the ones that take too long."""
        running = [w.process for w in self.workers if w.process is not None and w.process.poll() is None]
        # Workers stop gracefully on either signal; forward the one that came (SIGTERM otherwise).
        first = self.signals[0] if self.signals else signal.SIGTERM
        for process in running:
            process.send_signal(first)
        seen = len(self.signals)
        deadline = time.monotonic() + STOP_SECONDS
        while any(p.poll() is None for p in running):
            # A second signal (Ctrl-C again) means: now.
            if time.monotonic() >= deadline or len(self.signals) > max(seen, 1):
                for process in running:
                    if process.poll() is None:
                        process.kill()
                log.warning("workers that did not stop in time were killed")
                break
            time.sleep(POLL_SECONDS / 2)
        for process in running:
            process.wait()


def check_address_free(host: str, port: int) -> None:
    """Refuse an address something already listens on. The workers bind with SO_REUSEPORT,
    so without this check another process of the same user that does so too (a second
    `fristad run --workers`) would silently share the address instead of failing."""
    if port == 0:
        raise ConfigError("--port 0 would give each worker a port of its own: give a port number")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise ConfigError(f"--host {host!r} is not an address of this machine ({err.strerror})") from err
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            # As aiohttp binds: a connection in TIME_WAIT does not hold the port.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as err:
                raise ConfigError(f"cannot serve on {host}:{port}: {err.strerror}") from err


def how(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"

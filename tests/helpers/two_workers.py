"""A help-seeker and a caseworker talking through real `fristad run` processes that share
one Redis: used by the two-worker test and by bench/handoff.py."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@contextlib.contextmanager
def workers(redis_url: str, ports: list[int], env: dict[str, str]) -> Iterator[list[str]]:
    """`fristad run` on each port, all on the same Redis; their base URLs when ready."""
    with worker_processes(redis_url, ports, env) as running:
        yield [url for url, _ in running]


@contextlib.contextmanager
def worker_processes(
    redis_url: str, ports: list[int], env: dict[str, str]
) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """The same, with each process (base URL, process), for tests that kill one."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FRISTAD_", "TELEGRAM_", "REDIS_"))}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", "run", "--port", str(port)],
            env={**base, **env, "REDIS_URL": redis_url, "FRISTAD_LOG_LEVEL": "WARNING"},
            cwd=ROOT,
        )
        for port in ports
    ]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_ready(url, process)
        yield list(zip(urls, processes, strict=True))
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            process.wait(timeout=15)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "fristad run stopped"
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not become ready")


class HelpSeeker:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.token = ""
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def ask_for_a_person(self) -> None:
        async with self.session.post(self.url + "/api/v1/conversations", json={"language": "sv"}) as response:
            self.token = (await response.json())["token"]
        await self.send(choice="global:person")
        self.ws = await self.session.ws_connect(self.url.replace("http", "ws") + "/api/v1/events")
        await self.ws.send_json({"type": "hello", "token": self.token})
        assert (await self.ws.receive_json(timeout=10))["type"] == "ready"

    async def send(self, **body: str) -> None:
        async with self.session.post(
            self.url + "/api/v1/messages", json={"token": self.token, **body}
        ) as response:
            assert response.status == 200, await response.text()

    async def later_reply(self) -> str:
        assert self.ws is not None
        message = await self.ws.receive_json(timeout=10)
        return str(message["reply"]["text"])


class Caseworker:
    def __init__(self, session: aiohttp.ClientSession, url: str, name: str) -> None:
        self.session, self.url, self.name = session, url, name
        self.csrf = ""
        self.base = ""
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def log_in(self) -> None:
        async with self.session.get(self.url + "/console/login") as response:
            token = _first(r'id="login-csrf" name="csrf" value="([^"]+)"', await response.text())
        form = {"name": self.name, "password": PASSWORD, "csrf": token}
        async with self.session.post(
            self.url + "/console/login", data=form, allow_redirects=False
        ) as response:
            assert response.status == 303, response.status

    async def claim_first_waiting(self, team: str = "support") -> None:
        async with self.session.get(self.url + "/console") as response:
            page = await response.text()
        self.csrf = _first(r'name="csrf" value="([^"]+)"', page)
        code = _first(rf"/console/cases/{team}/([A-Z2-7]{{8}})", page)
        self.base = f"{self.url}/console/cases/{team}/{code}"
        await self._post("claim")
        self.ws = await self.session.ws_connect(
            self.url.replace("http", "ws") + f"/console/events?team={team}&code={code}"
        )

    async def reply(self, text: str) -> None:
        await self._post("reply", text=text)

    async def end(self) -> None:
        await self._post("end")

    async def heard(self, text: str) -> dict[str, Any]:
        """Wait until the console is shown `text` said by the person."""
        assert self.ws is not None
        while True:
            message = await self.ws.receive_json(timeout=10)
            if message.get("speaker") == "user" and message.get("text") == text:
                return dict(message)

    async def _post(self, action: str, **fields: str) -> None:
        data = {"csrf": self.csrf, **fields}
        async with self.session.post(f"{self.base}/{action}", data=data, allow_redirects=False) as response:
            assert response.status == 303, (action, response.status)


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


async def settle() -> None:
    """Let a new WebSocket's subscription reach Redis before news is announced."""
    await asyncio.sleep(0.3)

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
        self.last_reply_id = ""

    async def ask_for_a_person(self) -> None:
        async with self.session.post(self.url + "/api/v1/conversations", json={"language": "sv"}) as response:
            self.token = (await response.json())["token"]
        await self.send(choice="global:person")
        await self._connect()

    async def _connect(self) -> None:
        """As the page does, also after its socket was closed: from the last reply it has,
        and again after a moment while the server cannot say "ready"."""
        while True:
            self.ws = await _ws_connect(self.session, self.url.replace("http", "ws") + "/api/v1/events")
            hello = {"type": "hello", "token": self.token}
            if self.last_reply_id:
                hello["after"] = self.last_reply_id
            await self.ws.send_json(hello)
            if (answer := await _next_json(self.ws)) is not None:
                assert answer["type"] == "ready", answer
                return
            await asyncio.sleep(0.5)

    async def send(self, **body: str) -> None:
        async with self.session.post(
            self.url + "/api/v1/messages", json={"token": self.token, **body}
        ) as response:
            assert response.status == 200, await response.text()

    async def later_reply(self) -> str:
        assert self.ws is not None
        message = await _next_json(self.ws)
        while message is None:  # closed (a worker or Redis went away): the page comes back
            await asyncio.sleep(0.5)
            await self._connect()
            message = await _next_json(self.ws)
        self.last_reply_id = str(message["id"])
        return str(message["reply"]["text"])


class Caseworker:
    def __init__(self, session: aiohttp.ClientSession, url: str, name: str) -> None:
        self.session, self.url, self.name = session, url, name
        self.csrf = ""
        self.base = ""
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.events = ""
        self.next_turn = 0

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
        self.events = self.url.replace("http", "ws") + f"/console/events?team={team}&code={code}"
        self.ws = await self.session.ws_connect(self.events)

    async def reply(self, text: str) -> None:
        await self._post("reply", text=text)

    async def end(self) -> None:
        await self._post("end")

    async def heard(self, text: str) -> dict[str, Any]:
        """Wait until the console is shown `text` said by the person."""
        assert self.ws is not None
        while True:
            message = await _next_json(self.ws)
            if message is None:  # closed: the page comes back, from the turn it has seen
                await asyncio.sleep(0.5)
                self.ws = await _ws_connect(self.session, f"{self.events}&from={self.next_turn}")
                continue
            if message.get("type") == "turn":
                self.next_turn = int(message["next"])
            if message.get("speaker") == "user" and message.get("text") == text:
                return dict(message)

    async def _post(self, action: str, **fields: str) -> None:
        data = {"csrf": self.csrf, **fields}
        async with self.session.post(f"{self.base}/{action}", data=data, allow_redirects=False) as response:
            assert response.status == 303, (action, response.status)


async def _ws_connect(session: aiohttp.ClientSession, url: str) -> aiohttp.ClientWebSocketResponse:
    """As the pages do: while the server refuses the socket (a 503 while Redis is away),
    try again after a moment."""
    for _ in range(40):
        try:
            return await session.ws_connect(url)
        except aiohttp.WSServerHandshakeError:
            await asyncio.sleep(0.5)
    raise AssertionError(f"{url} kept refusing the socket")


async def _next_json(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any] | None:
    """The next message, or None when the socket closed (or broke)."""
    message = await ws.receive(timeout=10)
    if message.type in (
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSING,
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    ):
        return None
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return dict(message.json())


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


async def talk_both_ways(person_url: str, caseworker_url: str) -> None:
    """A help-seeker asks for a person at `person_url`; Sara (a caseworker account of
    team support, made by the caller) claims the case at `caseworker_url`; three
    messages each way arrive, and Sara ends the case."""
    async with (
        aiohttp.ClientSession() as person_session,
        aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as staff_session,  # cookies on 127.0.0.1
    ):
        person = HelpSeeker(person_session, person_url)
        sara = Caseworker(staff_session, caseworker_url, "sara")
        await person.ask_for_a_person()
        await sara.log_in()
        await sara.claim_first_waiting()
        assert (await person.later_reply()).startswith("Nu skriver du med en person")
        await settle()
        for number in range(3):
            await person.send(text=f"Meddelande {number} från personen")
            await sara.heard(f"Meddelande {number} från personen")
            await sara.reply(f"Svar {number} från Sara")
            assert await person.later_reply() == f"Svar {number} från Sara"
        await sara.end()
        assert (await person.later_reply()).startswith("Relationsvåldsteamet har avslutat samtalet.")


async def settle() -> None:
    """Let a new WebSocket's subscription reach Redis before news is announced."""
    await asyncio.sleep(0.3)

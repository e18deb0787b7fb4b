"""SIGTERM to a real `fristad run` while people use it: turns in flight are answered, new
conversations and /readyz get 503 during the drain, open WebSockets are closed at once
with the reconnect code and the pages go on with another process, and the process exits
within its bound. See "Stopping" in docs/architecture.md."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import Iterator

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.draining import CLOSE_RECONNECT
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.app.workers import DRAIN_SECONDS, STOP_BOUND_SECONDS
from tests.conftest import key_env
from tests.helpers.two_workers import PASSWORD, Caseworker, HelpSeeker, settle, worker_processes

# The tests make more conversations and turns per minute than a person would.
BUSY_ENV = {"FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000", "FRISTAD_MESSAGES_PER_MINUTE": "100000"}
CLOSED_WITHIN_SECONDS = 10.0  # before: up to aiohttp's 60 s with a page open


@pytest.fixture
def two(redis_server: RedisServerProcess) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    with worker_processes(redis_server.url, [free_port(), free_port()], {**key_env(), **BUSY_ENV}) as running:
        yield running


async def exits_within_bound(process: subprocess.Popen[bytes], since: float) -> None:
    while process.poll() is None:
        assert time.monotonic() - since < STOP_BOUND_SECONDS, "still running after the bound"
        await asyncio.sleep(0.05)
    assert process.returncode == 0


async def test_turns_in_flight_are_answered_and_new_conversations_wait_for_another_process(
    two: list[tuple[str, subprocess.Popen[bytes]]],
) -> None:
    (stopping_url, stopping), (other_url, _) = two
    async with aiohttp.ClientSession() as session:
        async with session.post(stopping_url + "/api/v1/conversations", json={"language": "sv"}) as response:
            assert response.status == 201
            token = (await response.json())["token"]

        async def turn(url: str, text: str) -> tuple[int, dict[str, object]]:
            async with session.post(url + "/api/v1/messages", json={"token": token, "text": text}) as answer:
                return answer.status, await answer.json()

        in_flight = [asyncio.create_task(turn(stopping_url, f"hej {n}")) for n in range(3)]
        await asyncio.sleep(0.01)  # sent, not yet answered
        since = time.monotonic()
        stopping.send_signal(signal.SIGTERM)
        for status, body in await asyncio.gather(*in_flight):
            assert status == 200, body
            assert body["replies"]

        # The drain: a load balancer is told to stop sending, new conversations are
        # refused kindly (with the numbers that answer day and night), turns still served.
        while True:  # the signal is handled a moment after it is sent
            async with session.get(stopping_url + "/readyz") as response:
                if response.status == 503:
                    assert (await response.json())["status"] == "stopping"
                    break
            assert time.monotonic() - since < DRAIN_SECONDS, "not draining"
            await asyncio.sleep(0.01)
        async with session.post(
            stopping_url + "/api/v1/conversations", json={"language": "sv"}, headers={"Accept-Language": "sv"}
        ) as response:
            assert response.status == 503
            assert int(response.headers["Retry-After"]) > 0
            refused = await response.json()
            assert refused["error"] == "stopping"
            assert "112" in refused["message"]
        status, body = await turn(stopping_url, "hej igen")
        assert status == 200, body

        await exits_within_bound(stopping, since)
        # Nothing lost: the same conversation goes on with the other process.
        status, body = await turn(other_url, "och nu")
        assert status == 200, body
        async with session.get(other_url + "/readyz") as response:
            assert response.status == 200


async def test_sockets_of_a_handoff_are_closed_to_reconnect_and_the_case_stays_claimed(
    two: list[tuple[str, subprocess.Popen[bytes]]], redis: Redis
) -> None:
    (stopping_url, stopping), (other_url, _) = two
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    async with (
        aiohttp.ClientSession() as person_session,
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff_session,
    ):
        person = HelpSeeker(person_session, stopping_url)
        sara = Caseworker(staff_session, stopping_url, "sara")
        await person.ask_for_a_person()
        await sara.log_in()
        await sara.claim_first_waiting()
        assert (await person.later_reply()).startswith("Nu skriver du med en person")
        await settle()
        assert person.ws is not None
        assert sara.ws is not None

        since = time.monotonic()
        stopping.send_signal(signal.SIGTERM)
        for ws in (person.ws, sara.ws):
            while (message := await ws.receive(timeout=CLOSED_WITHIN_SECONDS)).type == aiohttp.WSMsgType.TEXT:
                pass  # what the console was being shown just then
            assert message.type == aiohttp.WSMsgType.CLOSE, message
            assert message.data == CLOSE_RECONNECT
        assert time.monotonic() - since < CLOSED_WITHIN_SECONDS

        # The pages connect again, as they do after any such close; here to the other process.
        person.url = other_url
        sara.url, sara.base = other_url, sara.base.replace(stopping_url, other_url)
        sara.events = sara.events.replace(stopping_url.replace("http", "ws"), other_url.replace("http", "ws"))
        await exits_within_bound(stopping, since)
        await person.send(text="Är du kvar?")
        assert (await sara.heard("Är du kvar?"))["speaker"] == "user"
        await sara.reply("Ja, jag är kvar")
        assert await person.later_reply() == "Ja, jag är kvar"

        # Not released: the caseworker was still there, her page renews the claim from the
        # other process (the queue watcher would return it after the lease otherwise).
        code = sara.base.rsplit("/", 1)[1]
        case = await RedisHandoffQueue(redis, 3600, 60).case("support", code)
        assert case is not None
        assert (case.status, case.owner) == ("claimed", "sara")
        await sara.end()

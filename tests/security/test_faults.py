"""Faults (issue 8, point 7), with real Redis servers and real processes:

- Redis restarted and crashed in the middle of conversations and handoffs, with its
  append-only file on and `appendfsync always` (every write on disk before Redis
  answers it, so a crash loses nothing that was answered; "everysec", the embedded
  server's choice, may lose up to a second of writes when the machine itself fails):
  every message acknowledged to a help-seeker (HTTP 200) or to the caseworker (the
  console's redirect) is in the transcript afterwards, and the conversations go on.
  tests/app/test_redis_restart.py covers a clean restart of the embedded server with
  the queue and the notifications; this adds traffic during the restart, a crash,
  Telegram and the caseworker's side.
  Two faults of the Telegram channel found here have tests of their own, marked as
  expected failures until they are fixed: an update cut off by the restart is refused
  for five minutes, and a delivery cut off holds the chat's later replies for a minute.
- A `fristad run` worker killed (SIGKILL) while turns are in flight leaves every
  conversation consistent: its state is a state of the flow, the state and the
  transcript were saved together, the transcript decrypts, another worker takes the
  next turn, and then nobody waits unseen.
- Redis unreachable: the web chat's API answers 503 with a message that gives 112 and a
  line that answers day and night, in every language; the page shows it (Chromium),
  whether the person writes or only waits, and goes on once Redis is back. Telegram's
  webhook answers 503, so that Telegram sends the update again, and the bot sends
  nothing it could not record (SAFETY rule 3); the update is handled once Redis is back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from playwright.async_api import Page, async_playwright, expect
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor, parse_key_ring
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.app.settings import Settings
from bot.app.web import RUNTIME, init_app
from bot.core.handoff import case_code
from tests.conftest import key_env, start_redis
from tests.helpers.aof_redis import PersistentRedis
from tests.helpers.bot_api import BotApiStandIn
from tests.helpers.scripted_cases import (
    SECRET_HEADER,
    TEAM,
    TELEGRAM_ID,
    Scripted,
    add_caseworker,
    browser_of,
    claim,
    log_in,
    telegram_update,
    telegram_writes,
    web_asks_for_a_person,
    web_reply_arrives,
)
from tests.helpers.two_workers import worker_processes
from tests.telegram.conftest import SECRET, WEBHOOK_PATH, running, telegram_settings

Client = Any  # aiohttp TestClient or a ClientSession with a base_url

EMERGENCY = "112"
SUPPORT_LINE = "020-50 50 50"  # Kvinnofridslinjen, 24/7 (docs/facts/help-services.md)
LANGUAGES = ("sv", "en", "ar", "fa", "fi", "pl", "uk")
CHROMIUM = Path(os.environ.get("FRISTAD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


# --- Redis restarted and crashed in the middle of it all --------------------------------------


@dataclasses.dataclass
class Sender:
    """One side of a conversation that keeps writing, and what it was told was taken."""

    name: str
    acknowledged: list[str] = dataclasses.field(default_factory=list)
    refused: int = 0  # answers other than the acknowledgement: sent again, as people do
    given_up: list[str] = dataclasses.field(default_factory=list)  # never acknowledged
    since_restart: int = 0
    written: int = 0

    def text(self) -> str:
        self.written += 1
        return f"{self.name} nummer {self.written}"


GIVEN_UP = -1  # what a sender's send returns when it stops trying a message
PAUSE = 0.08  # between two messages of one sender: a few hundred in all, so that
# Telegram's pacing (here 20 a second to a chat) delivers the caseworker's in seconds


async def status_of(client: Client, method: str, path: str, **kwargs: Any) -> int:
    try:
        async with client.request(method, path, allow_redirects=False, **kwargs) as response:
            await response.read()
            return int(response.status)
    except aiohttp.ClientError:
        return 0


async def keep_writing(sender: Sender, stop: asyncio.Event, send: Any, ok: int) -> None:
    """Send until stopped; a message not acknowledged is sent again, the same."""
    text = sender.text()
    while not stop.is_set():
        got = await send(text)
        if got == ok:
            sender.acknowledged.append(text)
            sender.since_restart += 1
            text = sender.text()
        elif got == GIVEN_UP:
            sender.given_up.append(text)
            text = sender.text()
        else:
            sender.refused += 1
        await asyncio.sleep(PAUSE)


async def test_no_acknowledged_message_is_lost_when_redis_restarts_or_crashes(
    shipped_content: Content, tmp_path: Path
) -> None:
    server = PersistentRedis(tmp_path / "redis", appendfsync="always")
    server.start()
    api = BotApiStandIn()
    await api.start()
    redis = Redis.from_url(server.url)
    await add_caseworker(redis)
    await redis.aclose()
    settings = telegram_settings(server.url, tmp_path, api, FRISTAD_MESSAGES_PER_MINUTE="100000")
    try:
        async with running(settings, shipped_content) as client:
            runtime = client.app[RUNTIME]
            talking, with_the_bot = Scripted(runtime.keys.keyer), Scripted(runtime.keys.keyer)
            await web_asks_for_a_person(client, talking)
            await web_asks_for_a_person(client, with_the_bot)
            await client.post(
                "/api/v1/messages", json={"token": with_the_bot.token, "choice": "global:restart"}
            )
            await telegram_writes(client, api, SECRET, WEBHOOK_PATH, "/start", "/person")
            caseworker = browser_of(client)
            await log_in(caseworker)
            codes = [talking.codes["web"], talking.codes["telegram"]]
            await claim(caseworker, codes)
            async with caseworker.get("/console") as queue:
                csrf = (await queue.text()).split('name="csrf" value="', 1)[1].split('"', 1)[0]

            def web_person(token: str) -> Any:
                async def send(text: str) -> int:
                    return await status_of(
                        client, "POST", "/api/v1/messages", json={"token": token, "text": text}
                    )

                return send

            updates: dict[str, dict[str, Any]] = {}
            tries: dict[str, int] = {}

            async def telegram_person(text: str) -> int:
                # Telegram sends the same update again until it is answered 200, and the
                # person's next messages meanwhile (here: after some tries; an update
                # being handled when Redis went away is refused for minutes, see
                # test_an_update_cut_off_by_a_redis_restart_is_taken_when_sent_again).
                update = updates.setdefault(text, telegram_update(api, text))
                tries[text] = tries.get(text, 0) + 1
                if tries[text] > 25:
                    return GIVEN_UP
                return await status_of(
                    client, "POST", WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET}
                )

            def caseworker_replies(code: str) -> Any:
                async def send(text: str) -> int:
                    path = f"/console/cases/{TEAM}/{code}/reply"
                    return await status_of(caseworker, "POST", path, data={"csrf": csrf, "text": text})

                return send

            senders = {
                "web person talking": (Sender("webbperson"), web_person(talking.token), 200),
                "web person with the bot": (
                    Sender("webbperson hos boten"),
                    web_person(with_the_bot.token),
                    200,
                ),
                "Telegram person": (Sender("telegramperson"), telegram_person, 200),
                "caseworker to web": (Sender("handläggare till webb"), caseworker_replies(codes[0]), 303),
                "caseworker to Telegram": (
                    Sender("handläggare till telegram"),
                    caseworker_replies(codes[1]),
                    303,
                ),
            }
            stop = asyncio.Event()
            writers = [
                asyncio.create_task(keep_writing(s, stop, send, ok)) for s, send, ok in senders.values()
            ]
            try:
                for restart in (server.stop, server.kill):  # a clean restart, then a crash
                    await asyncio.sleep(0.4)
                    restart()
                    await asyncio.sleep(0.3)
                    for sender, _, _ in senders.values():
                        sender.since_restart = 0
                    server.start()
                deadline = time.monotonic() + 15
                while min(s.since_restart for s, _, _ in senders.values()) < 3:  # all go on
                    assert time.monotonic() < deadline, {
                        n: s.since_restart for n, (s, _, _) in senders.items()
                    }
                    await asyncio.sleep(0.05)
            finally:
                stop.set()
                await asyncio.gather(*writers)

            for name, (sender, _, _) in senders.items():
                assert sender.refused > 0, name  # it did write while Redis was away
            said = {key: [r.text for r in await runtime.store.transcript(key)] for key in
                    (talking.web_key, with_the_bot.web_key, talking.telegram_key)}  # fmt: skip
            where = {
                "web person talking": talking.web_key,
                "web person with the bot": with_the_bot.web_key,
                "Telegram person": talking.telegram_key,
                "caseworker to web": talking.web_key,
                "caseworker to Telegram": talking.telegram_key,
            }
            for name, (sender, _, _) in senders.items():
                missing = [text for text in sender.acknowledged if text not in said[where[name]]]
                assert missing == [], name

            # The conversations go on: the caseworker's last answers are on their way to
            # each person (the web chat page gets it now; Telegram's delivery may wait
            # for a lock the restart left behind: see the test after this one).
            await web_reply_arrives(client, talking.token, senders["caseworker to web"][0].acknowledged[-1])
            on_its_way = [reply.text for _, reply in await runtime.outbox.after(talking.telegram_key, "0")]
            assert senders["caseworker to Telegram"][0].acknowledged[-1] in on_its_way
            for code in codes:
                case = await runtime.queue.case(TEAM, code)
                assert case is not None
                assert (case.status, case.owner) == ("claimed", "sara")
            await caseworker.close()
    finally:
        await api.close()
        server.stop()


# --- a worker killed in the middle of turns -----------------------------------------------------


CHOICES = ("safe", "continue", "global:help", "global:person", "back", "global:restart", "global:danger")


async def talk_until_killed(session: aiohttp.ClientSession, token: str, number: int) -> int:
    """Turns one after another (text and choices, into and out of the queue) until the
    worker is gone; how many were answered."""
    answered = 0
    while True:
        body = (
            {"text": f"meddelande {answered}"}
            if answered % 3 == 0
            else {"choice": CHOICES[(answered + number) % len(CHOICES)]}
        )
        try:
            async with session.post("/api/v1/messages", json={"token": token, **body}) as response:
                assert response.status == 200, await response.text()
                await response.read()
        except (aiohttp.ClientError, ConnectionError):
            return answered
        answered += 1


async def test_a_worker_killed_mid_turn_leaves_every_conversation_consistent(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content
) -> None:
    env = {
        **key_env(),
        "FRISTAD_MESSAGES_PER_MINUTE": "100000",
        "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000",
    }
    current, ring = parse_key_ring(env["FRISTAD_ENCRYPTION_KEYS"])
    store = RedisConversationStore(redis, Encryptor(current, ring), 3600)
    flow = shipped_content.flows[0]
    with worker_processes(redis_server.url, [free_port() for _ in range(2)], env) as [
        (doomed_url, doomed),
        (other_url, _),
    ]:
        async with aiohttp.ClientSession(base_url=doomed_url) as doomed_session:
            tokens = []
            for _ in range(12):
                async with doomed_session.post("/api/v1/conversations", json={"language": "sv"}) as started:
                    tokens.append((await started.json())["token"])
            talking = [
                asyncio.create_task(talk_until_killed(doomed_session, t, n)) for n, t in enumerate(tokens)
            ]
            await asyncio.sleep(0.6)
            doomed.kill()  # SIGKILL, with turns in flight
            answered = await asyncio.gather(*talking)
        assert sum(answered) > 24  # turns went on until the kill

        keys = [key async for key in redis.scan_iter(match="fristad:conv:*:state")]
        assert len(keys) == len(tokens)
        queue = RedisHandoffQueue(redis, 3600, 60)
        async with aiohttp.ClientSession(base_url=other_url) as session:
            for state_key in keys:
                key = state_key.decode().split("{", 1)[1].split("}", 1)[0]
                stored = await redis.hgetall(state_key)
                data, revision = json.loads(stored[b"data"]), int(stored[b"rev"])
                assert (data["flow"], data["ver"]) == (flow.id, flow.version)
                assert data["state"] in flow.states
                # State and transcript are saved together: one transcript entry per saved turn.
                assert await redis.llen(f"fristad:conv:{{{key}}}:transcript") == revision
                assert len(await store.transcript(key)) >= revision  # every entry decrypts
            for token in tokens:  # another worker takes the next turn
                async with session.post(
                    "/api/v1/messages", json={"token": token, "choice": "global:help"}
                ) as turn:
                    assert turn.status == 200
                    assert (await turn.json())["replies"]
            for state_key in keys:
                key = state_key.decode().split("{", 1)[1].split("}", 1)[0]
                data = json.loads(await redis.hget(state_key, "data"))
                # Nobody waits unseen. (A turn that left the queue and was killed before
                # its save may leave "waiting" without a case until the next turn: the
                # case is removed before the save, see the report.)
                if data["status"] == "waiting":
                    assert await queue.case(data["team"], case_code(key)) is not None, data


# --- Redis unreachable ----------------------------------------------------------------------------


async def test_with_redis_unreachable_the_web_chat_api_gives_the_emergency_numbers_in_every_language(
    shipped_content: Content, tmp_path: Path
) -> None:
    server = start_redis(tmp_path / "redis")
    api = BotApiStandIn()
    await api.start()
    try:
        async with running(telegram_settings(server.url, tmp_path, api), shipped_content) as client:
            token = (await (await client.post("/api/v1/conversations", json={})).json())["token"]
            server.stop()
            for language in LANGUAGES:
                headers = {"Accept-Language": language}
                for path, body in (
                    ("/api/v1/conversations", {}),
                    ("/api/v1/messages", {"token": token, "text": "hej"}),
                ):
                    response = await client.post(path, json=body, headers=headers)
                    assert response.status == 503
                    answer = await response.json()
                    assert (answer["error"], answer["language"]) == ("unavailable", language)
                    assert EMERGENCY in answer["message"], language
                    assert SUPPORT_LINE in answer["message"], language

            # Telegram: 503, so that Telegram keeps the update and sends it again; the bot
            # says nothing it could not record (and so could not delete on /exit).
            update = api.text_update(TELEGRAM_ID, "/start")
            assert (
                await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
            ).status == 503
            await asyncio.sleep(0.3)
            assert api.bot_messages(TELEGRAM_ID) == []
            server.start()
            for _ in range(50):  # the first requests after the restart may meet old connections
                if (
                    await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
                ).status == 200:
                    break
                await asyncio.sleep(0.1)
            # Handled: the conversation is there. (Its reply follows; a delivery that meets
            # a connection the restart broke is tried again after 15 s.)
            telegram_key = client.app[RUNTIME].keys.keyer.conversation_key("telegram", str(TELEGRAM_ID))
            assert await client.app[RUNTIME].store.load(telegram_key) is not None
    finally:
        await api.close()
        server.stop()


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: see tests/browser/conftest.py")
    return CHROMIUM


@pytest.fixture
async def chromium_page(chromium: Path) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = await browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
        yield await context.new_page()
        await browser.close()


async def test_with_redis_unreachable_the_chat_page_shows_the_emergency_numbers_and_then_goes_on(
    chromium_page: Page, shipped_content: Content, tmp_path: Path
) -> None:
    server = PersistentRedis(tmp_path / "redis")  # the conversation is still there when it is back
    server.start()
    settings = Settings.from_env({**key_env(), "REDIS_URL": server.url, "FRISTAD_DATA_DIR": str(tmp_path)})
    runner, url = await serve(init_app(settings, shipped_content))
    page = chromium_page
    status = page.locator("#status")
    try:
        # Redis gone before the page opens: the first message cannot start the chat.
        server.stop()
        await page.goto(url + "/")
        await expect(status).to_contain_text(EMERGENCY)
        await expect(status).to_contain_text(SUPPORT_LINE)
        assert await page.locator(".msg").count() == 0

        # Redis back: the person writes again and the chat starts and goes on.
        server.start()
        await page.fill("#text", "hej")
        await page.press("#text", "Enter")
        await expect(page.locator(".msg.bot").first).to_be_visible(timeout=10_000)
        await expect(status).to_have_text("")

        # Redis gone while the person only waits: the live connection drops and cannot be
        # made again, and the page says so, with the numbers.
        server.stop()
        await expect(status).to_contain_text(SUPPORT_LINE, timeout=10_000)
        await expect(status).to_contain_text(EMERGENCY)
        server.start()
        await expect(status).to_have_text("", timeout=15_000)  # connected again
        before = await page.locator(".msg.bot").count()
        await page.fill("#text", "hej igen")
        await page.press("#text", "Enter")
        await expect(page.locator(".msg.bot")).not_to_have_count(before, timeout=10_000)
    finally:
        await runner.cleanup()
        server.stop()

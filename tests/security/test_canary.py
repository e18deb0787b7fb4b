"""Canaries (issue 8, point 4; SAFETY rules 7, 8 and 11): after scripted conversations in
the web chat and in Telegram, each handed over to a caseworker who answers from the
console and writes a note, the texts, the person's Telegram id, name and address, the
web chat's tokens and the keys appear nowhere: not in any key or DUMPed value, not in
the RDB snapshot, not in the append-only file (before or after a rewrite), not in the
application's log records at DEBUG, and not in what a `fristad run` process at DEBUG
prints. The canaries did get in: the console shows them decrypted, and the same search
finds them when they are stored in clear."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.crypto import ConversationKeyer, decode_key, parse_key_ring
from bot.adapters.redis_server import free_port
from bot.adapters.telegram.channel import SECRET_HEADER
from bot.app.logging_setup import MUTED_LIBRARIES, QUIET_LIBRARIES, SILENT_LIBRARIES, configure_logging
from bot.app.settings import Settings
from bot.app.web import RUNTIME
from tests.helpers.aof_redis import PersistentRedis
from tests.helpers.bot_api import BotApiStandIn
from tests.helpers.content import ROOT
from tests.helpers.scripted_cases import (
    CASEWORKER,
    NOTE,
    PERSON_TELEGRAM,
    PERSON_WEB,
    TELEGRAM_ID,
    Scripted,
    add_caseworker,
    answer,
    browser_of,
    canaries,
    case_action,
    claim,
    found_in,
    log_in,
    post_update,
    telegram_update,
    telegram_writes,
    text_forms,
    web_asks_for_a_person,
    web_reply_arrives,
    web_turn,
)
from tests.helpers.two_workers import wait_ready
from tests.telegram.conftest import SECRET, WEBHOOK_PATH, running, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="module")
PHOTO = {"file_id": "p", "file_unique_id": "q", "width": 1, "height": 1}


@dataclass
class Evidence:
    server: PersistentRedis
    in_process: Scripted
    in_a_worker: Scripted
    telegram_saw: list[str]  # every text the person's Telegram chat was sent
    searched: dict[str, list[bytes]]
    keys: list[bytes]
    dumps: dict[bytes, bytes]
    rdb: bytes
    aof_before_rewrite: dict[str, bytes]
    aof_after_rewrite: dict[str, bytes]
    log_lines: list[str]
    worker_output: bytes


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def evidence(
    tmp_path_factory: pytest.TempPathFactory, shipped_content: Content
) -> AsyncIterator[Evidence]:
    folder = tmp_path_factory.mktemp("canary")
    server = PersistentRedis(folder / "redis", appendfsync="always")
    server.start()
    api = BotApiStandIn()
    await api.start()
    redis = Redis.from_url(server.url)
    try:
        await add_caseworker(redis)
        await redis.aclose()
        settings = telegram_settings(server.url, folder, api)
        with captured_logs() as log_lines:
            in_process = await converse_in_process(settings, shipped_content, api, server)
        assert settings.encryption_keys is not None
        assert settings.hmac_key is not None
        worker_env = {
            "FRISTAD_ENCRYPTION_KEYS": settings.encryption_keys,
            "FRISTAD_HMAC_KEY": settings.hmac_key,
            "FRISTAD_LOG_LEVEL": "DEBUG",
        }
        in_a_worker, worker_output = await converse_with_a_worker(server.url, worker_env, api, folder)
        searched = canaries(
            {
                **secrets_of(settings.encryption_keys, settings.hmac_key),
                "web token (in the process)": text_forms(in_process.token),
                "web token (fristad run)": text_forms(in_a_worker.token),
                "bot token": [api.token.encode()],
            }
        )
        redis = Redis.from_url(server.url)  # a new connection: Redis was restarted meanwhile
        keys = sorted([key async for key in redis.scan_iter(match="*", count=1000)])
        dumps = {key: await redis.dump(key) or b"" for key in keys}
        rdb = server.snapshot()
        before = server.aof_files()
        server.rewrite_aof()
        yield Evidence(
            server=server,
            in_process=in_process,
            in_a_worker=in_a_worker,
            telegram_saw=[m.text for m in api.bot_messages(TELEGRAM_ID)],
            searched=searched,
            keys=keys,
            dumps=dumps,
            rdb=rdb,
            aof_before_rewrite=before,
            aof_after_rewrite=server.aof_files(),
            log_lines=log_lines,
            worker_output=worker_output,
        )
    finally:
        await redis.aclose()
        await api.close()
        server.stop()


def secrets_of(encryption_keys: str | None, hmac_key: str | None) -> dict[str, list[bytes]]:
    """The keys as configured (base64) and as the bytes they stand for."""
    assert encryption_keys is not None
    assert hmac_key is not None
    _, ring = parse_key_ring(encryption_keys)
    found = {"the HMAC key": [hmac_key.encode(), decode_key(hmac_key, "HMAC key")]}
    for key_id, key in ring.items():
        found[f"encryption key {key_id}"] = [base64.urlsafe_b64encode(key), key]
    return found


async def converse_in_process(
    settings: Settings, content: Content, api: BotApiStandIn, server: PersistentRedis
) -> Scripted:
    """Fristad in this process, with its Telegram channel: both people ask for a person;
    the caseworker answers both, writes notes and ends the web chat person's case. On
    the way, whatever makes Fristad log: Telegram asking it to wait, updates
    and requests it cannot read, holding canaries, and Redis gone for a moment."""
    async with running(settings, content) as client:
        scripted = Scripted(client.app[RUNTIME].keys.keyer)
        await web_asks_for_a_person(client, scripted)
        await telegram_writes(client, api, SECRET, WEBHOOK_PATH, "/start", PERSON_TELEGRAM, "/person")
        await unreadable_input(client, api, scripted.token)
        caseworker = browser_of(client)
        try:
            await log_in(caseworker)
            codes = list(scripted.codes.values())
            await claim(caseworker, codes)
            await web_turn(client, scripted.token, text=PERSON_WEB)  # now to the caseworker
            await post_update(client, telegram_update(api, PERSON_TELEGRAM), SECRET, WEBHOOK_PATH)
            api.refusals["sendMessage"] = [(429, 1)]  # Telegram: wait a second
            await answer(caseworker, scripted, codes)
            await api.wait_until(lambda: api.bot_messages(TELEGRAM_ID)[-1].body == CASEWORKER)
            await web_reply_arrives(client, scripted.token, CASEWORKER)
            await redis_away_for_a_moment(client, api, server, scripted.token)
            await case_action(caseworker, scripted.codes["web"], "end")
        finally:
            await caseworker.close()
    assert not api.refusals["sendMessage"]  # the refusal was met (and logged)
    return scripted


async def unreadable_input(client: TestClient[Any, Any], api: BotApiStandIn, token: str) -> None:
    """A photo with a caption, an edited message, an update Telegram would never send,
    and a web chat message too long to take: each holding a canary."""
    photo = api.content_update(TELEGRAM_ID, {"photo": [PHOTO], "caption": PERSON_TELEGRAM})
    await post_update(client, photo, SECRET, WEBHOOK_PATH)
    await post_update(client, api.edit_update(TELEGRAM_ID, 2, PERSON_TELEGRAM), SECRET, WEBHOOK_PATH)
    malformed = telegram_update(api, PERSON_TELEGRAM)
    malformed["message"]["entities"] = [{"type": PERSON_TELEGRAM}]
    response = await client.post(WEBHOOK_PATH, json=malformed, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    too_long = await client.post("/api/v1/messages", json={"token": token, "text": PERSON_WEB * 1000})
    assert too_long.status == 400


async def redis_away_for_a_moment(
    client: TestClient[Any, Any], api: BotApiStandIn, server: PersistentRedis, token: str
) -> None:
    """A web chat message and a Telegram update while Redis is stopped (refused, 503,
    and logged with the error's traceback), then again once it is back. Not while a
    reply is on its way to Telegram: its chat's delivery lock would stay behind for a
    minute (see test_faults.py)."""
    await nothing_on_its_way_to_telegram(server)
    server.stop()
    turn = await client.post("/api/v1/messages", json={"token": token, "text": PERSON_WEB})
    assert turn.status == 503
    update = telegram_update(api, PERSON_TELEGRAM)
    refused = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert refused.status == 503
    server.start()
    for _ in range(50):  # the first requests after the restart may meet old connections
        if (await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})).status == 200:
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("Telegram's update was not taken after Redis came back")
    await web_turn(client, token, text=PERSON_WEB)


async def nothing_on_its_way_to_telegram(server: PersistentRedis) -> None:
    redis = Redis.from_url(server.url)
    try:
        for _ in range(100):
            if not await redis.xlen("fristad:telegram:deliveries") and not await redis.keys(
                "*:telegram-lock"
            ):
                return
            await asyncio.sleep(0.05)
        pytest.fail("the Telegram deliveries did not finish")
    finally:
        await redis.aclose()


async def converse_with_a_worker(
    redis_url: str, env: dict[str, str], api: BotApiStandIn, folder: Path
) -> tuple[Scripted, bytes]:
    """Then a real `fristad run` process logging at DEBUG, with the same keys: a new
    person in the web chat asks for a person, the Telegram person writes again, and the
    caseworker answers both. What the process printed."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FRISTAD_", "TELEGRAM_", "REDIS_"))}
    worker_env = {
        **base,
        **env,
        "REDIS_URL": redis_url,
        "FRISTAD_DATA_DIR": str(folder / "worker"),
        "FRISTAD_TEAMS_FILE": str(ROOT / "config" / "teams.yaml"),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_WEBHOOK_URL": f"https://fristad.example{WEBHOOK_PATH}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    output = folder / "worker-output.txt"
    with output.open("wb") as sink:
        process = start_worker(port, worker_env, sink)
        try:
            url = f"http://127.0.0.1:{port}"
            await asyncio.to_thread(wait_ready, url, process)  # the Bot API stand-in answers meanwhile
            scripted = Scripted(ConversationKeyer(decode_key(env["FRISTAD_HMAC_KEY"], "HMAC key")))
            async with (
                aiohttp.ClientSession(base_url=url) as person,
                aiohttp.ClientSession(base_url=url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff,
            ):
                await web_asks_for_a_person(person, scripted)
                await post_update(person, telegram_update(api, PERSON_TELEGRAM), SECRET, WEBHOOK_PATH)
                await log_in(staff)
                await claim(staff, [scripted.codes["web"]])
                await web_turn(person, scripted.token, text=PERSON_WEB)
                answers = len([m for m in api.bot_messages(TELEGRAM_ID) if m.body == CASEWORKER])
                await answer(staff, scripted, list(scripted.codes.values()))
                await web_reply_arrives(person, scripted.token, CASEWORKER)
                await api.wait_until(
                    lambda: len([m for m in api.bot_messages(TELEGRAM_ID) if m.body == CASEWORKER]) > answers
                )
        finally:
            process.terminate()
            process.wait(timeout=15)
    return scripted, output.read_bytes()


def start_worker(port: int, env: dict[str, str], sink: BinaryIO) -> subprocess.Popen[bytes]:
    """`fristad run`, everything it prints going to `sink`."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.app.cli", "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=sink,
        stderr=subprocess.STDOUT,
    )


@contextlib.contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log record of the process, formatted with its exception, while logging is
    set up as `fristad run` sets it up at its most talkative level (DEBUG)."""
    root = logging.getLogger()
    names = ("", *QUIET_LIBRARIES, *SILENT_LIBRARIES, *MUTED_LIBRARIES)
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(root.handlers)
    lines: list[str] = []
    keeper = _Keeper(lines)
    configure_logging("DEBUG")
    for added in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(added)  # basicConfig's handler to stderr, if it made one
    root.setLevel(logging.DEBUG)
    root.addHandler(keeper)
    try:
        yield lines
    finally:
        root.removeHandler(keeper)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class _Keeper(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{self.format(record)} {record.args!r}")


# --- the canaries got in ---------------------------------------------------------------


async def test_the_canaries_reached_the_caseworker_and_the_people(evidence: Evidence) -> None:
    """Without this, the searches below could pass because nothing was ever written."""
    for scripted in (evidence.in_process, evidence.in_a_worker):
        assert scripted.pages
        for code, page in scripted.pages.items():
            said = PERSON_WEB if code == scripted.codes["web"] else PERSON_TELEGRAM
            for text in (said, CASEWORKER, NOTE):
                assert text in page, (code, text)  # decrypted by the console
    assert any(CASEWORKER in text for text in evidence.telegram_saw)
    in_process = evidence.in_process
    for key in (in_process.web_key, in_process.telegram_key):
        for part in ("state", "transcript", "notes", "outbox"):
            assert f"fristad:conv:{{{key}}}:{part}".encode() in evidence.keys


async def test_the_search_finds_canaries_kept_in_clear(evidence: Evidence) -> None:
    """The same search over the same kinds of files finds the canaries stored plainly,
    in each way Redis may pack them: a string, a JSON-escaped list item, and the id in
    a small hash (kept there as a 64-bit integer, not as digits)."""
    redis = Redis.from_url(evidence.server.url)
    plain = {b"control:string": PERSON_WEB, b"control:list": PERSON_TELEGRAM, b"control:hash": ""}
    try:
        await redis.set(b"control:string", PERSON_WEB)
        await redis.rpush(b"control:list", json.dumps({"said": [["user", PERSON_TELEGRAM]]}))
        await redis.hset(b"control:hash", mapping={"chat": str(TELEGRAM_ID)})
        expected = [PERSON_WEB, PERSON_TELEGRAM, f"Telegram id {TELEGRAM_ID}"]
        dumped = b"".join([await redis.dump(key) or b"" for key in plain])
        assert found_in(dumped, evidence.searched) == expected
        assert found_in(evidence.server.snapshot(), evidence.searched) == expected
        evidence.server.rewrite_aof()
        assert found_in(b"".join(evidence.server.aof_files().values()), evidence.searched) == expected
        assert found_in(f"INFO bot: {PERSON_WEB}".encode(), evidence.searched) == [PERSON_WEB]
    finally:
        await redis.delete(*plain)
        await redis.aclose()


# --- and they are nowhere else ---------------------------------------------------------


async def test_no_canary_in_any_key_name_or_dumped_value(evidence: Evidence) -> None:
    assert len(evidence.keys) > 20
    for key in evidence.keys:
        assert found_in(key, evidence.searched) == [], key
        assert found_in(evidence.dumps[key], evidence.searched) == [], key


async def test_no_canary_in_the_rdb_snapshot(evidence: Evidence) -> None:
    assert evidence.rdb.startswith(b"REDIS")
    for key in (evidence.in_process.web_key, evidence.in_process.telegram_key, evidence.in_a_worker.web_key):
        assert f"fristad:conv:{{{key}}}:transcript".encode() in evidence.rdb  # what is searched
    assert found_in(evidence.rdb, evidence.searched) == []


async def test_no_canary_in_the_append_only_file_before_or_after_a_rewrite(evidence: Evidence) -> None:
    """Before the rewrite the file holds every command since the start, values that were
    deleted since included; after it, a snapshot of what is left."""
    for files in (evidence.aof_before_rewrite, evidence.aof_after_rewrite):
        everything = b"".join(files.values())
        assert evidence.in_process.web_key.encode() in everything  # the conversations are in it
        for name, data in files.items():
            assert found_in(data, evidence.searched) == [], name
    assert b"".join(evidence.aof_after_rewrite.values()) != b"".join(evidence.aof_before_rewrite.values())


async def test_no_canary_in_the_log_records_at_debug(evidence: Evidence) -> None:
    assert evidence.log_lines  # the records were captured
    logged = "\n".join(evidence.log_lines).encode()
    assert found_in(logged, evidence.searched) == []


async def test_no_canary_in_what_a_fristad_run_process_prints_at_debug(evidence: Evidence) -> None:
    assert b"Running on http://127.0.0.1:" in evidence.worker_output  # its output was captured
    assert found_in(evidence.worker_output, evidence.searched) == []

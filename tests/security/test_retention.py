"""Retention (issue 8, point 5; SAFETY rules 9 and 10): with a conversation TTL of a few
seconds, every key of a help-seeker has a TTL and is gone once it has passed, in the web
chat and in Telegram, with a case waiting and a case answered; only staff and system
keys (listed below, with why) live without one. "Forget me" leaves no key, and no value,
that names the conversation or its case (all keys scanned, not only the known ones). A
transcript and its notes are kept after the caseworker ends the case only for
FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE, and deleted at once when that is 0."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.adapters.content_files import Content, load_content
from bot.adapters.conversation_store import DELIVERY_GRACE_SECONDS
from bot.adapters.redis_server import RedisServerProcess
from bot.app.settings import DAY, Settings
from bot.app.web import RUNTIME
from bot.errors import ConfigError
from tests.helpers.bot_api import BotApiStandIn
from tests.helpers.content import ROOT
from tests.helpers.scripted_cases import (
    CASEWORKER,
    NOTE,
    PERSON_TELEGRAM,
    PERSON_WEB,
    TELEGRAM_ID,
    Browser,
    Scripted,
    add_caseworker,
    answer,
    browser_of,
    case_action,
    case_page,
    claim,
    log_in,
    post_update,
    telegram_update,
    telegram_writes,
    web_asks_for_a_person,
    web_reply_arrives,
    web_turn,
)
from tests.telegram.conftest import SECRET, WEBHOOK_PATH, running, telegram_settings

Client = TestClient[Any, Any]
TTL = 3  # seconds: the conversation TTL of these tests
LEASE = 1  # seconds: a claim not renewed for this long goes back (the console is closed)

# Keys that live without a TTL, and why none of them belongs to a help-seeker.
PERSISTENT = {
    "account": "a staff account (Argon2id hash, role, teams): removed by an admin",
    "audit": "the audit stream (who did what to which case code, when; no content): capped in length",
    "queue index": "a team's waiting and claimed sets of case codes: each code leaves with its case",
    "telegram deliveries": "the stream of 'conversation K has replies': each signal deleted once delivered",
}
# Staff and system keys that may exist without a TTL, depending on what ran.
MAY_PERSIST = {
    "content": "published content versions, the draft and the history: the admins' work",
    "key users": "which encryption key each worker writes with (key rotation)",
}
# Keys with a TTL of their own that are not a help-seeker's conversation.
OWN_TTL = {
    "session": "a staff session: 30 minutes idle",
    "statistics": "a day's anonymous counts: 400 days",
    "queue waits": "a team's last 20 waiting times: 7 days",
    "telegram update": "a Telegram update id seen (duplicates are skipped): 24 hours",
    "telegram pace": "the moments messages left, for Telegram's 30/s: about a second",
    "rate": "new web chats per (hashed) address per minute: 2 minutes",
    "login failures": "failed logins per account and (hashed) address: an hour",
}
KINDS = [
    ("account", r"fristad:account:"),
    ("audit", r"fristad:audit$"),
    ("queue index", r"fristad:queue:\{[^}]+\}:(waiting|claimed)$"),
    ("queue waits", r"fristad:queue:\{[^}]+\}:waits$"),
    ("case", r"fristad:queue:\{[^}]+\}:case:"),
    ("conversation", r"fristad:conv:\{[0-9a-f]{64}\}:"),
    ("telegram deliveries", r"fristad:telegram:deliveries$"),
    ("telegram update", r"fristad:telegram:update:\d+$"),
    ("telegram pace", r"fristad:telegram:pace$"),
    ("telegram cleanups", r"fristad:telegram:cleanups$"),
    ("session", r"fristad:session:"),
    ("statistics", r"fristad:stats:"),
    ("rate", r"fristad:rate:"),
    ("login failures", r"fristad:{login-failures}:"),
    ("content", r"fristad:\{content\}:"),
    ("key users", r"fristad:keys:"),
]


def kind_of(key: bytes) -> str:
    name = key.decode()
    for kind, pattern in KINDS:
        if re.match(pattern, name):
            return kind
    raise AssertionError(f"a key of no known kind: {name}")


def content_with_lease(folder: Path) -> Content:
    """The shipped content, with a claim lease of a second (the console that claimed a
    case is gone at the end of a test) and teams open day and night."""
    teams = yaml.safe_load((ROOT / "config" / "teams.yaml").read_text(encoding="utf-8"))
    teams["lease_seconds"] = LEASE
    for team in teams["teams"].values():
        team["hours"] = {day: "00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    path = folder / "teams.yaml"
    path.write_text(yaml.safe_dump(teams), encoding="utf-8")
    return load_content(ROOT / "flows", ROOT / "locales", None, path).require_valid()


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    stand_in = BotApiStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.close()


def settings_for(
    redis_server: RedisServerProcess, tmp_path: Path, api: BotApiStandIn, **changes: Any
) -> Settings:
    return dataclasses.replace(telegram_settings(redis_server.url, tmp_path, api), **changes)


async def every_key(redis: Redis) -> list[bytes]:
    return sorted([key async for key in redis.scan_iter(match="*", count=1000)])


async def everything_stored(redis: Redis, key: bytes) -> bytes:
    """The key's whole value, as the bytes of its DUMP (b"" when it is gone)."""
    return await redis.dump(key) or b""


async def wait_for(condition: Callable[[], Any], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.1)


async def deliveries_done(redis: Redis) -> None:
    """Every Telegram delivery signal handled (each is deleted once delivered)."""

    async def done() -> bool:
        return int(await redis.xlen("fristad:telegram:deliveries")) == 0

    await wait_for(done)


# --- every key of a help-seeker expires ----------------------------------------------------


async def test_every_help_seeker_key_has_a_ttl_and_is_gone_after_it(
    redis_server: RedisServerProcess, redis: Redis, api: BotApiStandIn, tmp_path: Path
) -> None:
    """A web chat person who only talks with the bot, one whose case a caseworker answers
    (a reply and a note), and a Telegram person waiting in the queue."""
    content = content_with_lease(tmp_path)
    await add_caseworker(redis)
    async with running(
        settings_for(redis_server, tmp_path, api, conversation_ttl_seconds=TTL), content
    ) as client:
        keyer = client.app[RUNTIME].keys.keyer
        only_bot, answered = Scripted(keyer), Scripted(keyer)
        caseworker = browser_of(client)
        await log_in(caseworker)  # first: a password check takes a while
        await web_asks_for_a_person(client, answered)
        await claim(caseworker, [answered.codes["web"]])
        await answer(caseworker, answered, [answered.codes["web"]])
        await caseworker.close()  # the console is gone: nobody renews the claim
        await telegram_writes(client, api, SECRET, WEBHOOK_PATH, "/start", PERSON_TELEGRAM, "/person")
        started = await client.post("/api/v1/conversations", json={"language": "sv"})
        only_bot.token = (await started.json())["token"]
        await web_turn(client, only_bot.token, text=PERSON_WEB)
        await deliveries_done(redis)

        conversations = {only_bot.web_key, answered.web_key, answered.telegram_key}
        codes = {answered.codes["web"], answered.codes["telegram"]}
        names = conversations | codes
        assert await client.app[RUNTIME].queue.case("support", answered.codes["telegram"]) is not None

        keys = await every_key(redis)
        ttls = {key: await redis.pttl(key) for key in keys}
        ttls = {key: ttl for key, ttl in ttls.items() if ttl != -2}  # gone meanwhile (a pace)
        of_help_seekers = {key for key in ttls if any(name.encode() in key for name in names)}
        for key in keys:
            if kind_of(key) in ("conversation", "case"):
                assert key in of_help_seekers, key  # no conversation or case of anyone else
        assert len(of_help_seekers) >= 14
        for key in of_help_seekers:
            assert 0 < ttls[key] <= TTL * 1000, (key, ttls[key])
        without_ttl = {kind_of(key) for key, ttl in ttls.items() if ttl == -1}
        assert set(PERSISTENT) <= without_ttl <= set(PERSISTENT) | set(MAY_PERSIST), without_ttl
        for key, ttl in ttls.items():
            if ttl != -1 and key not in of_help_seekers:
                assert kind_of(key) in OWN_TTL, key

        # Once the TTL has passed (and the claim's lease, after which the case goes back
        # to the queue and the person is told so, which is a moment of the conversation):
        async def all_gone() -> bool:
            return not [key for key in await every_key(redis) if any(name.encode() in key for name in names)]

        await wait_for(all_gone, within=2 * TTL + 2 * LEASE + 2)
        left = await every_key(redis)
        for key in left:
            stored = await everything_stored(redis, key)
            assert not [name for name in conversations if name.encode() in stored], key
            # The audit keeps the codes of the cases staff opened; a team's queue keeps
            # the codes of expired cases (a bug: see the next test).
            if kind_of(key) not in ("audit", "queue index"):
                assert not [code for code in codes if code.encode() in stored], key
        assert {kind_of(key) for key in left} <= set(PERSISTENT) | set(MAY_PERSIST) | set(OWN_TTL)
        # Nothing of them is left to find: the people start again from the beginning.
        gone = await client.post("/api/v1/messages", json={"token": answered.token, "text": "hej"})
        assert gone.status == 404
        assert await client.app[RUNTIME].queue.waiting("support") == []


async def test_a_case_that_expires_leaves_its_teams_queue(
    redis_server: RedisServerProcess, redis: Redis, api: BotApiStandIn, tmp_path: Path
) -> None:
    """A person waits in the queue and their conversation expires: nothing of their case
    is left, and the next person is told they are first in line."""
    async with running(
        settings_for(redis_server, tmp_path, api, conversation_ttl_seconds=TTL), content_with_lease(tmp_path)
    ) as client:
        first, second = Scripted(client.app[RUNTIME].keys.keyer), Scripted(client.app[RUNTIME].keys.keyer)
        await web_asks_for_a_person(client, first)
        await asyncio.sleep(TTL + 0.2)
        await web_asks_for_a_person(client, second)
        assert await client.app[RUNTIME].queue.position("support", second.codes["web"]) == 1
        for key in await every_key(redis):
            assert first.codes["web"].encode() not in await everything_stored(redis, key), key


# --- forget me -------------------------------------------------------------------------------


async def test_forget_me_leaves_no_key_and_no_value_that_names_the_conversation(
    redis_server: RedisServerProcess, redis: Redis, api: BotApiStandIn, tmp_path: Path
) -> None:
    """A web chat person and a Telegram person, each talking with a caseworker who has
    answered and written a note, say "forget me" (the web chat's button, /forget)."""
    content = content_with_lease(tmp_path)
    await add_caseworker(redis)
    async with running(settings_for(redis_server, tmp_path, api), content) as client:
        scripted = Scripted(client.app[RUNTIME].keys.keyer)
        await web_asks_for_a_person(client, scripted)
        await telegram_writes(client, api, SECRET, WEBHOOK_PATH, "/start", PERSON_TELEGRAM, "/person")
        caseworker = browser_of(client)
        try:
            await log_in(caseworker)
            codes = list(scripted.codes.values())
            await claim(caseworker, codes)
            await answer(caseworker, scripted, codes)
            await web_reply_arrives(client, scripted.token, CASEWORKER)
            await api.wait_until(lambda: api.bot_messages(TELEGRAM_ID)[-1].body == CASEWORKER)
            names = {scripted.web_key, scripted.telegram_key, *codes}
            assert len([k for k in await every_key(redis) if any(n.encode() in k for n in names)]) >= 12

            forgotten = await web_turn(client, scripted.token, choice="global:forget")
            assert forgotten["ended"] is True
            await post_update(client, telegram_update(api, "/forget"), SECRET, WEBHOOK_PATH)
            await deliveries_done(redis)

            for key in await every_key(redis):
                assert not [name for name in names if name.encode() in key], key
                stored = await everything_stored(redis, key)
                assert scripted.web_key.encode() not in stored, key
                assert scripted.telegram_key.encode() not in stored, key
                if kind_of(key) != "audit":
                    assert not [code for code in codes if code.encode() in stored], key
            assert api.visible(TELEGRAM_ID) == []  # and the Telegram chat is empty
            for code in codes:  # the console finds nothing any more
                async with caseworker.get(f"/console/cases/support/{code}") as page:
                    assert page.status == 404
        finally:
            await caseworker.close()


# --- the transcript after the case is closed -----------------------------------------------


def test_the_retention_after_close_is_read_from_the_environment() -> None:
    env = {"REDIS_URL": "redis://127.0.0.1:1/0"}
    assert Settings.from_env(env).transcript_after_close_seconds == 30 * DAY
    assert (
        Settings.from_env({**env, "FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE": "0"}).transcript_after_close_seconds
        == 0
    )
    assert (
        Settings.from_env({**env, "FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE": "7"}).transcript_after_close_seconds
        == 7 * DAY
    )
    for wrong in ("-1", "3651", "a week"):
        with pytest.raises(ConfigError, match="FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE"):
            Settings.from_env({**env, "FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE": wrong})


async def close_a_case(client: Client, redis: Redis, api: BotApiStandIn) -> tuple[Scripted, Browser]:
    """A web chat person's case answered (a reply, a note) and ended by the caseworker;
    the caseworker's browser, still logged in."""
    scripted = Scripted(client.app[RUNTIME].keys.keyer)
    await web_asks_for_a_person(client, scripted)
    await add_caseworker(redis)
    caseworker = browser_of(client)
    await log_in(caseworker)
    code = scripted.codes["web"]
    await claim(caseworker, [code])
    await web_turn(client, scripted.token, text=PERSON_WEB)
    await answer(caseworker, scripted, [code])
    assert PERSON_WEB in scripted.pages[code]
    assert NOTE in scripted.pages[code]
    await case_action(caseworker, code, "end")
    return scripted, caseworker


def part(scripted: Scripted, name: str) -> str:
    return f"fristad:conv:{{{scripted.web_key}}}:{name}"


async def test_with_no_retention_after_close_the_transcript_and_notes_go_when_the_case_ends(
    redis_server: RedisServerProcess, redis: Redis, api: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(redis_server, tmp_path, api, transcript_after_close_seconds=0)
    async with running(settings, content_with_lease(tmp_path)) as client:
        scripted, caseworker = await close_a_case(client, redis, api)
        try:
            assert not await redis.exists(part(scripted, "transcript"), part(scripted, "notes"))
            # What may still be on its way to the person stays a short while: the goodbye.
            assert 0 < await redis.ttl(part(scripted, "outbox")) <= DELIVERY_GRACE_SECONDS
            await web_reply_arrives(client, scripted.token, "Relationsvåldsteamet har avslutat samtalet.")
            # The conversation goes on with the bot, and a new case starts with a clean page.
            await web_turn(client, scripted.token, choice="global:person")
            code = scripted.codes["web"]
            await claim(caseworker, [code])
            page = await case_page(caseworker, code)
            for text in (PERSON_WEB, CASEWORKER, NOTE):
                assert text not in page
        finally:
            await caseworker.close()


async def test_a_closed_case_keeps_its_transcript_only_for_the_retention_after_close(
    redis_server: RedisServerProcess, redis: Redis, api: BotApiStandIn, tmp_path: Path
) -> None:
    """A second here stands for the days of FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE."""
    settings = settings_for(redis_server, tmp_path, api, transcript_after_close_seconds=1)
    async with running(settings, content_with_lease(tmp_path)) as client:
        scripted, caseworker = await close_a_case(client, redis, api)
        await caseworker.close()
        for name in ("transcript", "notes", "outbox"):
            assert 0 < await redis.pttl(part(scripted, name)) <= 1000, name
        assert await redis.ttl(part(scripted, "state")) > 3000  # the conversation's own TTL
        await asyncio.sleep(1.2)
        assert not await redis.exists(part(scripted, "transcript"), part(scripted, "notes"))
        assert not await redis.exists(part(scripted, "outbox"))
        assert await redis.exists(part(scripted, "state"))
        reply = await web_turn(client, scripted.token, choice="global:help")  # and it goes on
        assert reply["replies"]

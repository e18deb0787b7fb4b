"""Encryption key rotation (SAFETY rule 8, issue 8 point 3): every kind of encrypted value
is re-encrypted under the new key and still reads where its store reads it; a running
worker takes the new key from its key file, keeps answering during `fristad keys
rotate`, and the old key can then be removed."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.adapters.reencryption import KINDS, Reencryption
from bot.adapters.telegram.chats import TelegramChats
from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.messages import Reply
from tests.conftest import TTL_SECONDS
from tests.helpers.content import ROOT
from tests.helpers.two_workers import PASSWORD, Caseworker, HelpSeeker, workers

KEY = "ab12" * 16  # a conversation key (hex, like an HMAC)


def ring(*ids: str) -> dict[str, bytes]:
    return {key_id: os.urandom(32) for key_id in ids}


async def test_every_kind_of_encrypted_value_is_reencrypted_and_reads_with_the_new_key_alone(
    redis: Redis,
) -> None:
    old = ring("old")
    before = Encryptor("old", old)
    store = RedisConversationStore(redis, before, TTL_SECONDS)
    conversation = Conversation(KEY, "main", "v1", "welcome", "sv")
    assert await store.save(conversation, [TranscriptEntry("user", "Hej"), TranscriptEntry("bot", "Hej!")])
    assert await store.add_note(KEY, "sara", "En anteckning")
    await Outbox(redis, before, TTL_SECONDS, Notifier(redis)).publish(KEY, Reply("Ett svar", "sv", "ltr"))
    chats = TelegramChats(redis, before, TTL_SECONDS)
    await chats.remember(KEY, 987654321)
    assert await chats.record(KEY, 41, shows_buttons=True)
    ttl_before = await redis.pttl(f"fristad:conv:{{{KEY}}}:outbox")

    new = {**old, **ring("new")}
    during = Encryptor("new", new)
    reencryption = Reencryption(redis, during)
    assert (await reencryption.count())["old"] == len(KINDS)  # one value of each kind
    tally = await reencryption.run()
    assert (tally.reencrypted, tally.changed_meanwhile) == (len(KINDS), 0)
    counts = await reencryption.count()
    assert counts["old"] == 0
    assert counts["new"] == len(KINDS)

    after = Encryptor("new", {"new": new["new"]})  # the old key removed
    store = RedisConversationStore(redis, after, TTL_SECONDS)
    assert [r.text for r in await store.transcript(KEY)] == ["Hej", "Hej!"]
    assert [text for _, _, text in await store.notes(KEY)] == ["En anteckning"]
    [(_, reply)] = await Outbox(redis, after, TTL_SECONDS, Notifier(redis)).after(KEY, "0")
    assert reply.text == "Ett svar"
    chat = await TelegramChats(redis, after, TTL_SECONDS).chat(KEY)
    assert chat is not None
    assert (chat.chat_id, chat.keyboard) == (987654321, 41)
    assert await redis.pttl(f"fristad:conv:{{{KEY}}}:outbox") <= ttl_before  # the TTL is kept
    assert await redis.pttl(f"fristad:conv:{{{KEY}}}:outbox") > 0


async def test_a_value_written_while_it_was_being_read_is_never_overwritten(redis: Redis) -> None:
    old = ring("old")
    store = RedisConversationStore(redis, Encryptor("old", old), TTL_SECONDS)
    await store.save(Conversation(KEY, "main", "v1", "welcome", "sv"), [TranscriptEntry("user", "Ett")])
    outbox = Outbox(redis, Encryptor("old", old), TTL_SECONDS, Notifier(redis))
    await outbox.publish(KEY, Reply("Första", "sv", "ltr"))
    reencryption = Reencryption(redis, Encryptor("new", {**old, **ring("new")}))
    stream = f"fristad:conv:{{{KEY}}}:outbox"
    [(entry_id, fields)] = await redis.xrange(stream)
    # The stream script refuses when the stream is not the one that was read.
    await outbox.publish(KEY, Reply("Andra", "sv", "ltr"))
    done = await reencryption._stream(
        keys=[stream, f"{stream}-reencrypting"], args=["r", 1, entry_id, fields[b"r"], b"new$x"]
    )
    assert done == 0
    assert [r.text for _, r in await outbox.after(KEY, "0")] == ["Första", "Andra"]


async def worker_looked_after(redis: Redis, moment: float) -> None:
    """Until the worker has said which key it uses from a look at its key file that
    began after `moment` (it reports, in whole seconds, right after each look)."""
    while True:
        reports = [v.decode().split() for v in (await redis.hgetall("fristad:keys:workers")).values()]
        if reports and all(float(at) >= moment + 1 for _, at in reports):
            return
        await asyncio.sleep(0.1)


def write_keys(path: Path, spec: str) -> None:
    path.write_text(spec + "\n")
    path.chmod(0o600)


def key_spec(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


async def test_keys_rotate_while_a_worker_answers_and_the_old_key_can_then_go(
    redis_server: RedisServerProcess, redis: Redis, tmp_path: Path
) -> None:
    key_file = tmp_path / "encryption-keys"
    write_keys(key_file, key_spec("first"))
    env = {
        "FRISTAD_ENCRYPTION_KEYS_FILE": str(key_file),
        "FRISTAD_HMAC_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "FRISTAD_MESSAGES_PER_MINUTE": "100000",
    }
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    with workers(redis_server.url, [free_port()], env) as (url,):
        async with (
            aiohttp.ClientSession() as person_session,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff_session,
        ):
            person = HelpSeeker(person_session, url)
            sara = Caseworker(staff_session, url, "sara")
            await person.ask_for_a_person()
            await sara.log_in()
            await sara.claim_first_waiting()
            await person.later_reply()
            await person.send(text="Före bytet")
            await sara.reply("Svar före bytet")
            await person.later_reply()

            talking = True

            async def keep_talking() -> int:
                turns = 0
                while talking:
                    await person.send(text=f"Under bytet {turns}")  # asserts 200 each time
                    turns += 1
                    await asyncio.sleep(0.02)
                return turns

            chatter = asyncio.create_task(keep_talking())
            base = {k: v for k, v in os.environ.items() if not k.startswith("FRISTAD_") and k != "REDIS_URL"}
            rotated = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bot.app.cli", "keys", "rotate"],
                env={**base, **env, "REDIS_URL": redis_server.url},
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            talking = False
            turns = await chatter
            assert rotated.returncode == 0, rotated.stderr
            assert turns > 0
            assert "no value uses first any more" in rotated.stdout
            new_id = re.search(r"new values use key (\S+);", rotated.stdout)
            assert new_id is not None
            spec = key_file.read_text().strip()
            assert spec.startswith(f"{new_id.group(1)}:")

            # Only the new key now: the worker reads the file again and reads everything.
            written = time.time()
            write_keys(key_file, spec.split(",")[0])
            await worker_looked_after(redis, written)
            await person.send(text="Efter bytet")
            async with staff_session.get(sara.base) as response:
                page = await response.text()
            for said in ("Före bytet", "Svar före bytet", "Under bytet 0", "Efter bytet"):
                assert said in page, said


def fristad_keys(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FRISTAD_") and k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "keys", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_with_keys_in_the_environment_rotate_says_how_and_resume_reencrypts(
    redis_server: RedisServerProcess, redis: Redis
) -> None:
    old, new = key_spec("old"), key_spec("new")
    hmac_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    env = {"REDIS_URL": redis_server.url, "FRISTAD_HMAC_KEY": hmac_key, "FRISTAD_ENCRYPTION_KEYS": old}
    refused = await asyncio.to_thread(fristad_keys, env, "rotate")
    assert refused.returncode == 1
    assert "--resume" in refused.stderr
    old_id, old_key = old.split(":")
    store = RedisConversationStore(redis, Encryptor("old", {"old": base64.urlsafe_b64decode(old_key)}), 60)
    await store.save(Conversation(KEY, "main", "v1", "welcome", "sv"), [TranscriptEntry("user", "Hej")])
    resumed = await asyncio.to_thread(
        fristad_keys, {**env, "FRISTAD_ENCRYPTION_KEYS": f"{new},{old}"}, "rotate", "--resume"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "1 stored values re-encrypted" in resumed.stdout
    assert f"no value uses {old_id} any more: remove it from FRISTAD_ENCRYPTION_KEYS" in resumed.stdout

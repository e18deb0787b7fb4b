"""Turns of one conversation at the same time never lose an update.

The flow is a chain s0 -> s1 -> ... where every state offers "next": if every turn saw
the result of the one before, k turns end in state s<k>; a lost update ends earlier.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from redis.asyncio import Redis

from bot.adapters.content_files import load_content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.redis_connection import connect
from bot.adapters.redis_server import RedisServerProcess
from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.messages import Incoming
from bot.core.translator import Translator
from tests.conftest import TTL_SECONDS, key_env
from tests.helpers.content import ROOT, write_chain_content

TURNS_PER_WORKER = 25
WORKERS = 4  # in one process, each with its own connection


class CountingStore(RedisConversationStore):
    """The real store, counting the saves another turn got to first."""

    conflicts = 0

    async def save(self, conversation: Conversation, transcript: Sequence[TranscriptEntry]) -> bool:
        saved = await super().save(conversation, transcript)
        CountingStore.conflicts += not saved
        return saved


async def test_concurrent_turns_over_separate_connections_each_see_the_last_result(
    tmp_path: Path, redis_server: RedisServerProcess, redis: Redis
) -> None:
    content = load_content(*write_chain_content(tmp_path, WORKERS * TURNS_PER_WORKER)).require_valid()
    engine = Engine(content.flows, Translator(content.catalogues))
    encryptor = Encryptor("k1", {"k1": os.urandom(32)})
    clients = [connect(redis_server.url, 8) for _ in range(WORKERS)]
    CountingStore.conflicts = 0
    services = [DialogueService(engine, CountingStore(c, encryptor, TTL_SECONDS)) for c in clients]
    try:
        await services[0].handle(Incoming("race"))

        async def worker(service: DialogueService) -> None:
            for _ in range(TURNS_PER_WORKER):
                await service.handle(Incoming("race", choice="next"))

        await asyncio.gather(*(worker(s) for s in services))
        final = await services[0].store.load("race")
    finally:
        for client in clients:
            await client.aclose()
    assert final is not None
    assert final.state == f"s{WORKERS * TURNS_PER_WORKER}"
    assert final.revision == 1 + WORKERS * TURNS_PER_WORKER
    assert CountingStore.conflicts > 0  # the race really happened, and was resolved


async def test_two_worker_processes_on_one_conversation_lose_no_update(
    tmp_path: Path, redis_server: RedisServerProcess, redis: Redis
) -> None:
    flows, locales = write_chain_content(tmp_path, 2 * TURNS_PER_WORKER)
    env = {
        **os.environ,
        **key_env(),
        "REDIS_URL": redis_server.url,
        "FRISTAD_FLOWS_DIR": str(flows),
        "FRISTAD_LOCALES_DIR": str(locales),
        "PYTHONPATH": str(ROOT),
        "FRISTAD_MESSAGES_PER_MINUTE": "1000000",  # this is a race, not a flood
    }
    start_at = f"{time.time() + 3:.3f}"  # after both have started up
    command = [sys.executable, "-m", "tests.helpers.turn_worker", "race", str(TURNS_PER_WORKER), start_at]
    workers = [await asyncio.create_subprocess_exec(*command, env=env, cwd=ROOT) for _ in range(2)]
    assert [await w.wait() for w in workers] == [0, 0]
    # The state hash holds no text, so it is read directly.
    state = await redis.hgetall("fristad:conv:{race}:state")  # type: ignore[misc]
    assert json.loads(state[b"data"])["state"] == f"s{2 * TURNS_PER_WORKER}"
    assert state[b"rev"] == str(2 + 2 * TURNS_PER_WORKER).encode()  # two hellos, then the turns

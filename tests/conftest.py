"""Real servers for the suite: a redis-server on a free port, started once per run."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import cast

import pytest
from redis.asyncio import Redis

from bot.adapters.content_files import Content, load_content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.redis_connection import connect
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.translator import Translator
from bot.errors import ConfigError
from tests.helpers.content import ROOT
from tests.helpers.redis_topologies import LocalCluster, LocalSentinels

TTL_SECONDS = 3600


def start_redis(folder: Path) -> RedisServerProcess:
    for _ in range(5):  # the free port may be taken between choosing and binding it
        server = RedisServerProcess(folder, port=free_port())
        try:
            server.start()
        except ConfigError:
            continue
        return server
    raise RuntimeError("could not start redis-server on a free port")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServerProcess]:
    """One redis-server; with FRISTAD_TEST_REDIS=cluster or =sentinel, the suite runs on
    a local Redis Cluster or Sentinel set-up instead (tests that restart or reconfigure
    their server need the single one)."""
    folder = tmp_path_factory.mktemp("redis")
    topology = os.environ.get("FRISTAD_TEST_REDIS", "")
    if topology:
        if topology not in ("cluster", "sentinel"):
            raise pytest.UsageError("FRISTAD_TEST_REDIS is cluster, sentinel or unset")
        local = LocalCluster(folder) if topology == "cluster" else LocalSentinels(folder)
        local.start()
        yield cast(RedisServerProcess, local)
        local.stop()
        return
    server = start_redis(folder)
    yield server
    server.stop()


@pytest.fixture
async def redis(redis_server: RedisServerProcess) -> AsyncIterator[Redis]:
    client = connect(redis_server.url, max_connections=64)
    await client.flushdb()
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    return load_content(
        ROOT / "flows", ROOT / "locales", None, ROOT / "config" / "teams.yaml"
    ).require_valid()


@pytest.fixture
def encryptor() -> Encryptor:
    return Encryptor("k1", {"k1": os.urandom(32)})


@pytest.fixture
def store(redis: Redis, encryptor: Encryptor) -> RedisConversationStore:
    return RedisConversationStore(redis, encryptor, TTL_SECONDS)


@pytest.fixture
def shipped_engine(shipped_content: Content) -> Engine:
    return Engine(shipped_content.flows, Translator(shipped_content.catalogues))


@pytest.fixture
def dialogue(shipped_engine: Engine, store: RedisConversationStore) -> DialogueService:
    return DialogueService(shipped_engine, store)


def key_env() -> dict[str, str]:
    """Environment with real (random) keys, for processes the tests start."""
    return {
        "FRISTAD_ENCRYPTION_KEYS": f"t1:{base64.urlsafe_b64encode(os.urandom(32)).decode()}",
        "FRISTAD_HMAC_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }

"""Fristad with its Telegram channel on, talking to a local stand-in of the Bot API
through the real python-telegram-bot, with a real Redis."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.telegram.channel import SECRET_HEADER
from bot.app.settings import Settings
from bot.app.web import RUNTIME, init_app
from tests.conftest import key_env
from tests.helpers.bot_api import BotApiStandIn
from tests.helpers.content import ROOT

Client = TestClient[Any, Any]
SECRET = "s3cret-token-for-the-webhook_0123"
WEBHOOK_PATH = "/telegram/webhook"
# Telegram allows a message per second to a chat; the tests keep the same rule with a
# shorter second so that a hundred replies take seconds, not minutes.
TEST_SECOND = 0.05


def telegram_settings(redis_url: str, data_dir: Path, api: BotApiStandIn, **extra: str) -> Settings:
    env = {
        **key_env(),
        "REDIS_URL": redis_url,
        "FRISTAD_DATA_DIR": str(data_dir),
        "FRISTAD_TEAMS_FILE": str(ROOT / "config" / "teams.yaml"),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.url,
        "TELEGRAM_WEBHOOK_URL": f"https://fristad.example{WEBHOOK_PATH}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        **extra,
    }
    env = {name: value for name, value in env.items() if value}
    settings = Settings.from_env(env)
    assert settings.telegram is not None
    return dataclasses.replace(
        settings, telegram=dataclasses.replace(settings.telegram, per_chat_seconds=TEST_SECOND)
    )


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    stand_in = BotApiStandIn()
    await stand_in.start()
    yield stand_in
    await stand_in.close()


@pytest.fixture
async def fristad(
    api: BotApiStandIn,
    redis_server: RedisServerProcess,
    redis: Redis,
    shipped_content: Content,
    tmp_path: Path,
) -> AsyncIterator[Client]:
    async with running(telegram_settings(redis_server.url, tmp_path, api), shipped_content) as client:
        yield client


@contextlib.asynccontextmanager
async def running(settings: Settings, content: Content) -> AsyncIterator[Client]:
    """Fristad with these settings, started, and a client of it; stopped at the end."""
    client: Client = TestClient(TestServer(init_app(settings, content)))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


async def send(client: Client, update: dict[str, Any], secret: str | None = SECRET) -> int:
    """Post an update to the webhook as Telegram does; the HTTP status Fristad answers."""
    headers = {} if secret is None else {SECRET_HEADER: secret}
    response = await client.post(WEBHOOK_PATH, json=update, headers=headers)
    return response.status


def conversation_key(client: Client, chat_id: int) -> str:
    telegram = client.app[RUNTIME].telegram
    assert telegram is not None
    return str(telegram.updates.conversation_key(chat_id))

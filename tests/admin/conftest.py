"""An app with the admin pages on a real Redis, and logged-in staff of each role."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.conftest import key_env
from tests.helpers.content import ROOT

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"


def admin_settings(redis_server: RedisServerProcess, tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            **key_env(),
            "REDIS_URL": redis_server.url,
            "FRISTAD_DATA_DIR": str(tmp_path),
            "FRISTAD_TEAMS_FILE": str(ROOT / "config" / "teams.yaml"),
        }
    )


@pytest.fixture
async def server(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> AsyncIterator[TestServer]:
    server = TestServer(init_app(admin_settings(redis_server, tmp_path), shipped_content))
    await server.start_server()
    accounts = Accounts(redis)
    await accounts.add("anna", PASSWORD, "admin", ())
    await accounts.add("sara", PASSWORD, "caseworker", ("support",))
    await accounts.add("aino", PASSWORD, "supervisor", ("support",))
    yield server
    await server.close()


async def logged_in(server: TestServer, name: str) -> Client:
    client: Client = TestClient(server)
    await client.start_server()
    form = await (await client.get("/console/login")).text()
    token = re.search(r'id="login-csrf" name="csrf" value="([^"]+)"', form)
    assert token is not None
    response = await client.post(
        "/console/login",
        data={"name": name, "password": PASSWORD, "csrf": token.group(1)},
        allow_redirects=False,
    )
    assert response.status == 303
    return client


@pytest.fixture
async def admin(server: TestServer) -> AsyncIterator[Client]:
    client = await logged_in(server, "anna")
    yield client
    await leave(client)


async def leave(client: Client) -> None:
    """Close a browser's session; the server stays for the other browsers."""
    await client.session.close()


def csrf_of(html: str) -> str:
    match = re.search(r'data-csrf="([^"]+)"', html)
    assert match is not None
    return match.group(1)

"""Health and readiness of the aiohttp application, against real Redis servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.conftest import key_env, start_redis


async def client_for(settings: Settings, content: Content) -> TestClient[object, object]:
    client: TestClient[object, object] = TestClient(TestServer(init_app(settings, content)))
    await client.start_server()
    return client


@pytest.fixture
async def client(
    redis_server: RedisServerProcess, shipped_content: Content, tmp_path: Path
) -> AsyncIterator[TestClient[object, object]]:
    settings = Settings.from_env(
        {**key_env(), "REDIS_URL": redis_server.url, "FRISTAD_DATA_DIR": str(tmp_path)}
    )
    client = await client_for(settings, shipped_content)
    yield client
    await client.close()


async def test_healthz_says_the_process_is_alive(client: TestClient[object, object]) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_reports_redis_and_the_loaded_flows(
    client: TestClient[object, object], shipped_content: Content
) -> None:
    response = await client.get("/readyz")
    assert response.status == 200
    body = await response.json()
    assert body["redis"] == "ok"
    assert body["flows"] == [f"main@{shipped_content.flows[0].version}"]


async def test_readyz_is_503_while_redis_is_down(shipped_content: Content, tmp_path: Path) -> None:
    server = start_redis(tmp_path / "redis")
    settings = Settings.from_env({**key_env(), "REDIS_URL": server.url, "FRISTAD_DATA_DIR": str(tmp_path)})
    client = await client_for(settings, shipped_content)
    try:
        assert (await client.get("/readyz")).status == 200
        server.stop()
        response = await client.get("/readyz")
        assert response.status == 503
        assert await response.json() == {"status": "unavailable", "redis": "unreachable"}
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()
        server.stop()


async def test_an_unknown_path_is_404(client: TestClient[object, object]) -> None:
    assert (await client.get("/nothing-here")).status == 404

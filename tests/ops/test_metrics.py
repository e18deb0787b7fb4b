"""GET /metrics through the real application against the suite's Redis: scripted web
conversations give exact numbers, the token guards the page, and nothing in it names a
person, a conversation or what anybody wrote (SAFETY rule 11)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.console import CONSOLE
from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.web_chat import WEB_CHAT
from bot.app.settings import Settings
from bot.app.web import RUNTIME
from bot.errors import ConfigError, StoreError
from tests.adapters.test_web_chat_api import Client, client_for, settings_for
from tests.helpers.bot_api import BotApiStandIn
from tests.telegram.conftest import running, telegram_settings
from tests.telegram.conftest import send as send_update

TOKEN = "metrics-token-for-tests-3f9c1a7e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "correct horse battery"
SECRET_TEXT = "Min man slog mig igår, hemligt-7Q2W"
TEAMS_FILE = str(Path(__file__).parents[2] / "config" / "teams.yaml")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def client_with(
    redis_server: RedisServerProcess, tmp_path: Path, content: Content, **env: str
) -> Client:
    return await client_for(
        settings_for(redis_server.url, tmp_path, FRISTAD_TEAMS_FILE=TEAMS_FILE, **env), content
    )


@pytest.fixture
async def client(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> AsyncIterator[Client]:
    client = await client_with(redis_server, tmp_path, shipped_content, FRISTAD_METRICS_TOKEN=TOKEN)
    yield client
    await client.close()


async def scrape(client: Client) -> tuple[str, Samples]:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.text()
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }
    return body, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def start(client: Client) -> str:
    response = await client.post("/api/v1/conversations", json={"language": "sv"})
    assert response.status == 201
    return str((await response.json())["token"])


async def send(client: Client, token: str, **body: str) -> None:
    response = await client.post("/api/v1/messages", json={"token": token, **body})
    assert response.status == 200


async def test_scripted_conversations_give_exact_numbers_and_nothing_that_names_anyone(
    client: Client,
) -> None:
    tokens = [await start(client) for _ in range(3)]  # 3 turns
    await send(client, tokens[0], text=SECRET_TEXT)  # 4
    await send(client, tokens[1], choice="global:person")  # 5: waits for team support
    page = await client.ws_connect("/api/v1/events")
    await page.send_json({"type": "hello", "token": tokens[1]})
    assert (await page.receive_json(timeout=5))["type"] == "ready"

    body, samples = await scrape(client)

    assert value(samples, "fristad_turns_total", channel="web") == 5
    assert value(samples, "fristad_turns_total", channel="telegram") == 0
    assert value(samples, "fristad_errors_total", kind="store") == 0
    assert value(samples, "fristad_errors_total", kind="unexpected") == 0
    assert value(samples, "fristad_handoffs_waiting", team="support") == 1
    assert value(samples, "fristad_handoffs_waiting", team="atv") == 0
    assert value(samples, "fristad_active_conversations", channel="web") == 1
    assert value(samples, "fristad_redis_up") == 1
    assert value(samples, "fristad_redis_ping_seconds_count") == 1
    assert (
        "fristad_handoff_wait_seconds_count",
        frozenset({("team", "support")}),
    ) not in samples  # none taken

    chat = client.app[WEB_CHAT]
    codes = [case.code for case in await client.app[CONSOLE].queue.waiting("support")]
    assert len(codes) == 1
    for secret in [TOKEN, SECRET_TEXT, *tokens, *(chat.conversation_key(t) for t in tokens), *codes]:
        assert secret not in body
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            assert set(sample.labels) <= {"channel", "team", "kind", "le"}

    await page.close()
    _, samples = await scrape(client)
    assert value(samples, "fristad_active_conversations", channel="web") == 0
    assert value(samples, "fristad_redis_ping_seconds_count") == 2


async def test_the_first_claim_of_a_case_is_timed(client: Client, redis: Redis) -> None:
    await Accounts(redis).add("sara", PASSWORD, "caseworker", ("support",))
    for _ in range(2):
        await send(client, await start(client), choice="global:person")
    sara: Client = TestClient(client.server)
    await sara.start_server()
    form = await (await sara.get("/console/login")).text()
    login_csrf = re.search(r'id="login-csrf" name="csrf" value="([^"]+)"', form)
    assert login_csrf is not None
    data = {"name": "sara", "password": PASSWORD, "csrf": login_csrf.group(1)}
    assert (await sara.post("/console/login", data=data, allow_redirects=False)).status == 303
    queue = await (await sara.get("/console")).text()
    code = re.search(r"/console/cases/support/([A-Z2-7]{8})", queue)
    csrf = re.search(r'name="csrf" value="([^"]+)"', queue)
    assert code is not None
    assert csrf is not None
    claim = f"/console/cases/support/{code.group(1)}/claim"
    assert (await sara.post(claim, data={"csrf": csrf.group(1)}, allow_redirects=False)).status == 303

    body, samples = await scrape(client)

    assert value(samples, "fristad_turns_total", channel="web") == 4
    assert value(samples, "fristad_handoffs_waiting", team="support") == 1
    assert value(samples, "fristad_handoff_wait_seconds_count", team="support") == 1
    assert value(samples, "fristad_handoff_wait_seconds_bucket", team="support", le="60.0") == 1
    assert code.group(1) not in body
    assert "sara" not in body
    await sara.close()


async def store_down(*args: object, **kwargs: object) -> None:
    raise StoreError("cannot reach Redis")


async def test_store_failures_are_counted_by_kind(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    token = await start(client)
    monkeypatch.setattr(client.app[WEB_CHAT].dialogue, "take_turn", store_down)
    response = await client.post("/api/v1/messages", json={"token": token, "text": SECRET_TEXT})
    assert response.status == 503

    body, samples = await scrape(client)

    assert value(samples, "fristad_errors_total", kind="store") == 1
    assert value(samples, "fristad_errors_total", kind="unexpected") == 0
    assert value(samples, "fristad_turns_total", channel="web") == 1  # the failed turn is not one
    assert SECRET_TEXT not in body
    assert token not in body


async def test_an_unexpected_error_is_counted_as_such(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await start(client)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(SECRET_TEXT)  # an exception's text may hold what a person wrote

    monkeypatch.setattr(client.app[WEB_CHAT].dialogue, "take_turn", broken)
    response = await client.post("/api/v1/messages", json={"token": token, "text": "hej"})
    assert response.status == 500

    body, samples = await scrape(client)

    assert value(samples, "fristad_errors_total", kind="unexpected") == 1
    assert value(samples, "fristad_errors_total", kind="store") == 0
    assert SECRET_TEXT not in body


async def test_without_a_token_configured_there_is_no_metrics_page(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> None:
    client = await client_with(redis_server, tmp_path, shipped_content)
    try:
        assert (await client.get("/metrics")).status == 404
        assert (await client.get("/metrics", headers=AUTH)).status == 404
    finally:
        await client.close()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token-of-the-same-size-xx", f"Basic {TOKEN}", f"Bearer {TOKEN}x"],
)
async def test_a_wrong_or_missing_token_is_refused_with_a_reason(
    client: Client, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.get("/metrics", headers=headers)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    body = await response.json()
    assert body["error"] == "unauthorized"
    assert "token" in body["reason"]
    assert TOKEN not in await response.text()


async def test_each_app_has_its_own_registry(
    redis_server: RedisServerProcess, redis: Redis, client: Client, shipped_content: Content, tmp_path: Path
) -> None:
    other = await client_with(redis_server, tmp_path, shipped_content, FRISTAD_METRICS_TOKEN=TOKEN)
    try:
        await start(client)
        _, mine = await scrape(client)
        _, theirs = await scrape(other)
        assert value(mine, "fristad_turns_total", channel="web") == 1
        assert value(theirs, "fristad_turns_total", channel="web") == 0
    finally:
        await other.close()


@pytest.mark.parametrize("token", ["short", "has spaces in it, too long enough", "x" * 257])
def test_a_weak_or_malformed_metrics_token_is_refused_at_start(token: str) -> None:
    with pytest.raises(ConfigError, match="FRISTAD_METRICS_TOKEN"):
        Settings.from_env({"FRISTAD_METRICS_TOKEN": token})


async def test_telegram_turns_are_counted_and_the_chat_id_never_shows(
    redis_server: RedisServerProcess,
    redis: Redis,
    shipped_content: Content,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chat_id = 918273645546
    api = BotApiStandIn()
    await api.start()
    try:
        settings = telegram_settings(redis_server.url, tmp_path, api, FRISTAD_METRICS_TOKEN=TOKEN)
        async with running(settings, shipped_content) as client:
            assert await send_update(client, api.text_update(chat_id, "/start")) == 200
            assert await send_update(client, api.text_update(chat_id, SECRET_TEXT)) == 200
            telegram = client.app[RUNTIME].telegram
            assert telegram is not None
            monkeypatch.setattr(telegram.updates, "handle", store_down)
            assert await send_update(client, api.text_update(chat_id, "igen")) == 503  # sent again later
            body, samples = await scrape(client)
    finally:
        await api.close()
    assert value(samples, "fristad_turns_total", channel="telegram") == 2
    assert value(samples, "fristad_turns_total", channel="web") == 0
    assert value(samples, "fristad_errors_total", kind="store") == 1
    assert str(chat_id) not in body
    assert SECRET_TEXT not in body

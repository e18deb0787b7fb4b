"""A publish reaches every worker: two real `fristad run` processes on one Redis, the
admin on one, help-seekers on the other; and `fristad flows export` / `import`."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.content_files import read_content_files
from bot.adapters.content_versions import ContentVersions
from bot.adapters.redis_server import RedisServerProcess, free_port
from tests.conftest import key_env
from tests.helpers.content import ROOT
from tests.helpers.two_workers import PASSWORD, Caseworker, workers

NEW_WELCOME = "Hej! Det här är den publicerade välkomsttexten."
NEW_QUICK_EXIT = "Snabbutgången är nu förklarad på ett nytt sätt: { $exit_command }."
# The tests poll by starting conversations, more than one address may start in a minute.
POLLING_ENV = {**key_env(), "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000"}
SWITCH_SECONDS = 2.0  # "about a second" (docs/admin.md), with room for a busy machine


async def start(session: aiohttp.ClientSession, url: str) -> tuple[str, list[str]]:
    async with session.post(url + "/api/v1/conversations", json={"language": "sv"}) as response:
        data = await response.json()
    return data["token"], [r["text"] for r in data["replies"]]


async def send(session: aiohttp.ClientSession, url: str, token: str, **body: str) -> list[str]:
    async with session.post(url + "/api/v1/messages", json={"token": token, **body}) as response:
        assert response.status == 200, await response.text()
        return [r["text"] for r in (await response.json())["replies"]]


async def test_a_publish_on_one_worker_is_what_the_other_worker_says_within_a_second(
    redis_server: RedisServerProcess, redis: Redis
) -> None:
    await Accounts(redis).add("anna", PASSWORD, "admin", ())
    with workers(redis_server.url, [free_port(), free_port()], POLLING_ENV) as (admin_url, chat_url):
        async with (
            aiohttp.ClientSession() as person,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff,
        ):
            anna = Caseworker(staff, admin_url, "anna")  # the same login as the console
            await anna.log_in()
            token, first = await start(person, chat_url)  # a conversation in progress
            assert first[0] != NEW_WELCOME
            async with staff.get(admin_url + "/admin/texts/sv") as response:
                page = await response.text()
            csrf = _first(r'data-csrf="([^"]+)"', page)
            revision = int(_first(r'data-revision="(\d+)"', page))
            changes = {"welcome": NEW_WELCOME, "quick-exit": NEW_QUICK_EXIT}
            async with staff.post(
                admin_url + "/admin/api/texts/sv",
                json={"messages": changes, "revision": revision},
                headers={"X-CSRF-Token": csrf},
            ) as response:
                revision = (await response.json())["revision"]
            published_at = time.monotonic()
            async with staff.post(
                admin_url + "/admin/publish", data={"csrf": csrf, "revision": revision}, allow_redirects=False
            ) as response:
                assert response.status == 303
            while (await start(person, chat_url))[1][0] != NEW_WELCOME:
                assert time.monotonic() - published_at < SWITCH_SECONDS, "the other worker did not switch"
                await asyncio.sleep(0.02)
            # The conversation begun before the publish goes on where it was, in the new words.
            said = await send(person, chat_url, token, choice="safe")
            assert any(text.startswith("Snabbutgången är nu förklarad på ett nytt sätt: ") for text in said)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FRISTAD_") and k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "flows", *args],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_import_publishes_folders_and_export_writes_a_version_back(
    redis_server: RedisServerProcess, redis: Redis, tmp_path: Path
) -> None:
    env = {**key_env(), "REDIS_URL": redis_server.url, "FRISTAD_LOG_LEVEL": "WARNING"}
    nothing = cli(
        env, "export", "--flows", str(tmp_path / "out-flows"), "--locales", str(tmp_path / "out-locales")
    )
    assert nothing.returncode == 1
    assert "nothing has been published yet" in nothing.stderr

    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    main = tmp_path / "locales" / "sv" / "main.ftl"
    main.write_text(re.sub(r"(?m)^welcome = .*$", f"welcome = {NEW_WELCOME}", main.read_text()))
    folders = ("--flows", str(tmp_path / "flows"), "--locales", str(tmp_path / "locales"))
    with workers(redis_server.url, [free_port()], POLLING_ENV) as (url,):
        imported = cli(env, "import", *folders, "--note", "from git")
        assert imported.returncode == 0, imported.stderr
        assert "imported as version 1" in imported.stdout
        async with aiohttp.ClientSession() as person:
            deadline = time.monotonic() + SWITCH_SECONDS
            while (await start(person, url))[1][0] != NEW_WELCOME:
                assert time.monotonic() < deadline, "the running worker did not switch"
                await asyncio.sleep(0.02)
    [entry] = await ContentVersions(redis).history()
    assert (entry.version, entry.action, entry.note) == (1, "import", "from git")

    out = ("--flows", str(tmp_path / "out-flows"), "--locales", str(tmp_path / "out-locales"))
    exported = cli(env, "export", *out)
    assert exported.returncode == 0, exported.stderr
    written, problems = read_content_files(tmp_path / "out-flows", tmp_path / "out-locales")
    assert not problems
    assert written == await ContentVersions(redis).files(1)
    assert f"welcome = {NEW_WELCOME}" in (tmp_path / "out-locales" / "sv" / "main.ftl").read_text()


async def test_import_refuses_folders_that_do_not_pass_the_check(
    redis_server: RedisServerProcess, redis: Redis, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    (tmp_path / "locales" / "fi" / "main.ftl").write_text("language-name = Suomi\n")
    env = {**key_env(), "REDIS_URL": redis_server.url}
    refused = cli(env, "import", "--flows", str(tmp_path / "flows"), "--locales", str(tmp_path / "locales"))
    assert refused.returncode == 1
    assert "welcome: missing" in refused.stderr
    assert await ContentVersions(redis).current() is None


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)

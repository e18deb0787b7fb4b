"""SAFETY rule 19: Fristad reaches Redis as an ACL user with a password, and needs no
dangerous rights (CONFIG, FLUSH*, KEYS, DEBUG, ...): a whole conversation, a handoff
answered in the console, an admin's publish and a key rotation's re-encryption work with
a user that has none of them, and the default user switched off."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from redis.exceptions import NoPermissionError

from bot.adapters.accounts import Accounts
from bot.adapters.content_files import Content
from bot.adapters.crypto import Encryptor
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.reencryption import Reencryption
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.admin.conftest import PASSWORD, leave, logged_in
from tests.conftest import key_env, start_redis
from tests.helpers.content import ROOT

USER, SECRET = "fristad", "a-long-redis-password-for-the-app"


@pytest.fixture
async def locked_down(tmp_path: Path) -> AsyncIterator[tuple[RedisServerProcess, str]]:
    server = start_redis(tmp_path / "redis")
    admin = Redis.from_url(server.url)
    await admin.execute_command(
        "ACL", "SETUSER", USER, "on", f">{SECRET}", "~*", "&*", "+@all", "-@dangerous"
    )
    await admin.execute_command("ACL", "SETUSER", "default", "off")
    await admin.aclose()
    url = re.sub(r"^redis://", f"redis://{USER}:{SECRET}@", server.url)
    yield server, url
    server.stop()


async def test_fristad_works_as_an_acl_user_without_dangerous_rights(
    locked_down: tuple[RedisServerProcess, str], shipped_content: Content, tmp_path: Path
) -> None:
    _, url = locked_down
    app_redis = Redis.from_url(url)
    with pytest.raises(NoPermissionError):
        await app_redis.flushdb()  # the user really lacks them
    with pytest.raises(NoPermissionError):
        await app_redis.config_get("*")
    await Accounts(app_redis).add("anna", PASSWORD, "admin", ("support",))
    settings = Settings.from_env(
        {
            **key_env(),
            "REDIS_URL": url,
            "FRISTAD_DATA_DIR": str(tmp_path),
            "FRISTAD_TEAMS_FILE": str(ROOT / "config" / "teams.yaml"),
        }
    )
    server = TestServer(init_app(settings, shipped_content))
    await server.start_server()
    try:
        person: TestClient[Any, Any] = TestClient(server)
        await person.start_server()
        started = await (await person.post("/api/v1/conversations", json={"language": "sv"})).json()
        token = started["token"]
        for body in (
            {"choice": "safe"},
            {"text": "jag behöver prata med någon"},
            {"choice": "global:person"},
        ):
            assert (await person.post("/api/v1/messages", json={"token": token, **body})).status == 200
        anna = await logged_in(server, "anna")
        queue = await (await anna.get("/console")).text()
        code = re.search(r"/console/cases/support/([A-Z2-7]{8})", queue)
        assert code is not None
        csrf = re.search(r'name="csrf" value="([^"]+)"', queue)
        assert csrf is not None
        base = f"/console/cases/support/{code.group(1)}"
        for action, form in (
            ("claim", {}),
            ("reply", {"text": "Hej, jag heter Anna."}),
            ("note", {"text": "anteckning"}),
        ):
            response = await anna.post(
                f"{base}/{action}", data={"csrf": csrf.group(1), **form}, allow_redirects=False
            )
            assert response.status == 303, action
        overview = await (await anna.get("/admin")).text()
        revision = re.search(r'name="revision" value="(\d+)"', overview)
        assert revision is not None
        published = await anna.post(
            "/admin/publish",
            data={"csrf": csrf.group(1), "revision": revision.group(1)},
            allow_redirects=False,
        )
        assert published.status == 303
        assert (await anna.get("/admin/statistics.csv")).status == 200
        await leave(anna)
        await leave(person)
        # `fristad keys rotate` walks every key with SCAN: allowed without KEYS.
        reencryption = Reencryption(app_redis, Encryptor("other", {"other": os.urandom(32)}))
        assert sum((await reencryption.count()).values()) > 0  # SCAN and reads are allowed
    finally:
        await server.close()
        await app_redis.aclose()

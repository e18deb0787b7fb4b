"""Redis restarting in the middle of conversations and handoffs: every process finds it
again on its own, and nothing that was saved is lost (append-only file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.web_chat import WEB_CHAT
from bot.app.settings import Settings
from bot.app.web import init_app
from bot.core.handoff import case_code
from bot.core.messages import Reply
from tests.conftest import key_env


async def test_after_a_redis_restart_conversations_and_the_queue_go_on(
    shipped_content: Content, tmp_path: Path
) -> None:
    server = RedisServerProcess(tmp_path / "redis", unix_socket=tmp_path / "redis.sock")
    server.start()
    settings = Settings.from_env({**key_env(), "REDIS_URL": server.url, "FRISTAD_DATA_DIR": str(tmp_path)})
    client: TestClient[Any, Any] = TestClient(TestServer(init_app(settings, shipped_content)))
    await client.start_server()
    try:
        token = (await (await client.post("/api/v1/conversations", json={"language": "sv"})).json())["token"]
        await client.post("/api/v1/messages", json={"token": token, "choice": "global:person"})
        chat = client.app[WEB_CHAT]
        key = chat.conversation_key(token)

        server.stop()  # SIGTERM: Redis writes its append-only file and stops
        server.start()

        for _ in range(50):  # the first request after the restart may still see the old connection
            response = await client.post("/api/v1/messages", json={"token": token, "text": "Är ni kvar?"})
            if response.status == 200:
                break
            assert response.status == 503
            await asyncio.sleep(0.1)
        assert (await response.json())["replies"][0]["text"].startswith("Tack. Ditt meddelande är sparat.")
        queue = client.app[WEB_CHAT].dialogue.handoffs.queue  # type: ignore[union-attr]
        assert [c.code for c in await queue.waiting("support")] == [case_code(key)]

        # Later replies still reach the page: the notifier has subscribed again.
        ws = await client.ws_connect("/api/v1/events")
        await ws.send_json({"type": "hello", "token": token})
        assert (await ws.receive_json(timeout=5))["type"] == "ready"
        await asyncio.sleep(1.5)
        await chat.outbox.publish(key, Reply("Vi är här.", "sv", "ltr"))
        assert (await ws.receive_json(timeout=2))["reply"]["text"] == "Vi är här."  # woken, not polled (5 s)
        await ws.close()
    finally:
        await client.close()
        server.stop()

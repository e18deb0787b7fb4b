"""The web chat API through the aiohttp test client, against a real Redis: what a page
or another site's widget gets for good and for bad input."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from jsonschema import Draft202012Validator
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.web_chat import WEB_CHAT, api
from bot.adapters.web_chat.openapi import DOCUMENT
from bot.app.settings import Settings
from bot.app.web import init_app
from bot.core.messages import Option, Reply
from bot.errors import ConversationNotFound
from tests.conftest import key_env, start_redis

Client = TestClient[Any, Any]


def settings_for(redis_url: str, data_dir: Path, **env: str) -> Settings:
    return Settings.from_env({**key_env(), "REDIS_URL": redis_url, "FRISTAD_DATA_DIR": str(data_dir), **env})


async def client_for(settings: Settings, content: Content) -> Client:
    client: Client = TestClient(TestServer(init_app(settings, content)))
    await client.start_server()
    return client


@pytest.fixture
async def client(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> AsyncIterator[Client]:
    client = await client_for(settings_for(redis_server.url, tmp_path), shipped_content)
    yield client
    await client.close()


def valid(schema: str, body: Any) -> Any:
    """The body, after checking it against the OpenAPI document's schema of that name."""
    Draft202012Validator({"$ref": f"#/components/schemas/{schema}", **DOCUMENT}).validate(body)
    return body


async def start(client: Client, language: str = "sv") -> dict[str, Any]:
    response = await client.post("/api/v1/conversations", json={"language": language})
    assert response.status == 201
    return valid("Started", await response.json())  # type: ignore[no-any-return]


async def send(
    client: Client, token: str, headers: Mapping[str, str] | None = None, **body: str
) -> tuple[int, Any]:
    response = await client.post("/api/v1/messages", json={"token": token, **body}, headers=headers)
    return response.status, await response.json()


async def all_keys(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match="*")]


# --- The conversation ---


async def test_a_conversation_starts_with_the_safety_check_and_a_long_random_token(client: Client) -> None:
    first, second = await start(client), await start(client, "ar")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", first["token"])  # 256 random bits
    assert first["token"] != second["token"]
    assert first["replies"][-1]["text"].startswith("Innan vi börjar")
    assert [o["id"] for o in first["replies"][-1]["options"]] == ["safe", "not_safe"]
    assert second["replies"][0]["language"] == "ar"
    assert second["replies"][0]["direction"] == "rtl"


async def test_choices_and_text_lead_through_the_flow(client: Client) -> None:
    token = (await start(client))["token"]
    for choice in ("safe", "continue", "uses_violence", "atv"):
        status, body = await send(client, token, choice=choice)
        assert status == 200
        valid("Turn", body)
    assert body["replies"][0]["text"].startswith("ATV betyder Alternativ till våld")
    status, body = await send(client, token, text="polisen")
    assert body["replies"][0]["text"].startswith("Ring 112 om du är i fara")
    assert body["ended"] is False


async def test_the_token_is_never_stored(client: Client, redis: Redis) -> None:
    token = (await start(client))["token"]
    await send(client, token, text="hej")
    for key in await all_keys(redis):
        assert token.encode() not in key
        if await redis.type(key) == b"hash":
            assert all(token.encode() not in v for v in (await redis.hgetall(key)).values())


async def test_forget_ends_the_conversation_and_its_token(client: Client, redis: Redis) -> None:
    token = (await start(client))["token"]
    status, body = await send(client, token, choice="global:forget")
    assert (status, body["ended"]) == (200, True)
    assert body["replies"][0]["text"].startswith("Allt om det här samtalet är nu raderat")
    assert not [k for k in await all_keys(redis) if k.startswith(b"fristad:conv:")]
    status, body = await send(client, token, text="hej igen")
    assert status == 404
    assert valid("Error", body)["error"] == "conversation_ended"


async def test_quick_exit_deletes_every_key_of_the_conversation(client: Client, redis: Redis) -> None:
    token = (await start(client))["token"]
    await send(client, token, text="han slår mig")
    assert [k for k in await all_keys(redis) if k.startswith(b"fristad:conv:")]
    # sendBeacon may send it as text/plain.
    response = await client.post(
        "/api/v1/exit", data=f'{{"token": "{token}"}}', headers={"Content-Type": "text/plain"}
    )
    assert response.status == 204
    assert not [k for k in await all_keys(redis) if k.startswith(b"fristad:conv:")]
    assert (await client.post("/api/v1/exit", json={"token": token})).status == 204  # again: still fine


# --- Bad input: each kind gets a 4xx with a reason, and the conversation stays intact ---

BAD_BODIES = {
    "malformed JSON": ('{"token": ', 400),
    "not an object": ("[1, 2]", 400),
    "no token": ('{"text": "hej"}', 400),
    "a token this service never issues": ('{"token": "abc", "text": "hej"}', 400),
    "text of the wrong type": ('{"token": "TOKEN", "text": 42}', 400),
    "both text and choice": ('{"token": "TOKEN", "text": "hej", "choice": "safe"}', 400),
    "neither text nor choice": ('{"token": "TOKEN"}', 400),
    "a choice id that is absurdly long": ('{"token": "TOKEN", "choice": "' + "x" * 500 + '"}', 400),
    "a body over 64 KiB": ('{"token": "TOKEN", "text": "' + "x" * 70_000 + '"}', 413),
    "not UTF-8": ('{"token": "TOKEN", "text": "\udcff"}', 400),
    "nested deeper than any parser goes": ("[" * 30_000 + "]" * 30_000, 400),
}


@pytest.mark.parametrize("kind", BAD_BODIES)
async def test_bad_requests_get_a_reason_and_leave_the_conversation_as_it_was(
    kind: str, client: Client, redis: Redis
) -> None:
    token = (await start(client))["token"]
    await send(client, token, choice="safe")
    before = {k: await redis.dump(k) for k in await all_keys(redis) if k.startswith(b"fristad:conv:")}
    raw, status = BAD_BODIES[kind]
    response = await client.post(
        "/api/v1/messages",
        data=raw.replace("TOKEN", token).encode("utf-8", "surrogateescape"),  # \udcff: a lone 0xff byte
        headers={"Content-Type": "application/json"},
    )
    assert response.status == status
    body = valid("Error", await response.json())
    assert body["reason"]
    assert body["message"] == "Det gick inte att skicka meddelandet. Försök igen."
    after = {k: await redis.dump(k) for k in await all_keys(redis) if k.startswith(b"fristad:conv:")}
    assert after == before


async def test_a_charset_the_server_does_not_know_is_read_as_utf8(client: Client) -> None:
    token = (await start(client))["token"]
    response = await client.post(
        "/api/v1/messages",
        data=f'{{"token": "{token}", "text": "hjälp"}}'.encode(),
        headers={"Content-Type": "text/plain; charset=no-such-charset"},
    )
    assert response.status == 200


async def test_a_wrong_method_is_405_with_what_is_allowed(client: Client) -> None:
    response = await client.get("/api/v1/messages")
    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert valid("Error", await response.json())["error"] == "http_error"


async def test_an_unknown_choice_or_a_too_long_text_gets_a_kind_reply(client: Client) -> None:
    token = (await start(client))["token"]
    status, body = await send(client, token, choice="no-such-button")
    assert status == 200
    assert body["replies"][0]["text"] == "Jag förstod inte riktigt. Du kan välja något av alternativen."
    assert [o["id"] for o in body["replies"][0]["options"]] == ["safe", "not_safe"]
    status, body = await send(client, token, text="x" * 5000)
    assert status == 200
    assert body["replies"][0]["text"] == "Meddelandet är för långt. Skriv gärna lite kortare."


async def test_an_unknown_token_is_404_in_the_persons_language(client: Client) -> None:
    status, body = await send(client, "A" * 43, headers={"Accept-Language": "ar"}, text="مرحبا")
    assert status == 404
    assert body["language"] == "ar"
    assert body["message"] == client.app[WEB_CHAT].text("ar", "web-error-ended")


async def test_too_many_messages_are_refused_without_harm(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> None:
    settings = settings_for(redis_server.url, tmp_path, FRISTAD_MESSAGES_PER_MINUTE="3")
    client = await client_for(settings, shipped_content)
    try:
        token = (await start(client))["token"]
        statuses = [(await send(client, token, text="hej"))[0] for _ in range(3)]
        response = await client.post("/api/v1/messages", json={"token": token, "choice": "safe"})
        assert statuses == [200, 200, 200]
        assert response.status == 429
        assert response.headers["Retry-After"] == "60"
        assert (await response.json())["message"].startswith("Du skriver väldigt snabbt")
        store = client.app[WEB_CHAT].dialogue.store
        conversation = await store.load(client.app[WEB_CHAT].conversation_key(token))
        assert conversation is not None
        assert conversation.state == "welcome"  # the refused choice did nothing
        # A call for help is always answered, even over the limit (and costs no write).
        status, body = await send(client, token, choice="global:danger")
        assert status == 200
        assert body["replies"][0]["text"].startswith("Ring 112 nu")
        status, body = await send(client, token, text="han har en kniv")
        assert status == 200
        assert body["replies"][0]["text"].startswith("Ring 112 nu")
        assert await store.load(client.app[WEB_CHAT].conversation_key(token)) == conversation
    finally:
        await client.close()


async def test_too_many_new_conversations_from_one_address_are_refused(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> None:
    settings = settings_for(redis_server.url, tmp_path, FRISTAD_WEB_CONVERSATIONS_PER_MINUTE="2")
    client = await client_for(settings, shipped_content)
    try:
        statuses = [(await client.post("/api/v1/conversations")).status for _ in range(3)]
        assert statuses == [201, 201, 429]
        # The address is counted under a hash, never in clear.
        assert not [k for k in await all_keys(redis) if b"127.0.0.1" in k]
    finally:
        await client.close()


@pytest.mark.parametrize(
    ("trusted", "forwarded_for", "statuses"),
    [
        ("", ["10.0.0.1", "10.0.0.2"], [201, 429]),  # no proxy configured: the header is ignored
        ("127.0.0.1", ["10.0.0.1", "10.0.0.2"], [201, 201]),  # each person behind the proxy
        ("127.0.0.1", ["10.0.0.1", "10.0.0.1"], [201, 429]),
        ("127.0.0.1", ["10.0.0.1, 127.0.0.1", "10.0.0.1"], [201, 429]),  # a chain of our proxies
    ],
)
async def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    trusted: str,
    forwarded_for: list[str],
    statuses: list[int],
    redis_server: RedisServerProcess,
    redis: Redis,
    shipped_content: Content,
    tmp_path: Path,
) -> None:
    settings = settings_for(
        redis_server.url, tmp_path, FRISTAD_WEB_CONVERSATIONS_PER_MINUTE="1", FRISTAD_TRUSTED_PROXIES=trusted
    )
    client = await client_for(settings, shipped_content)
    if time.time() % 60 > 55:  # the limit counts per clock minute: both requests in one
        await asyncio.sleep(60 - time.time() % 60)
    try:
        got = [
            (await client.post("/api/v1/conversations", headers={"X-Forwarded-For": address})).status
            for address in forwarded_for
        ]
        assert got == statuses
    finally:
        await client.close()


async def test_with_redis_down_the_person_is_told_what_to_do(
    shipped_content: Content, tmp_path: Path
) -> None:
    server = start_redis(tmp_path / "redis")
    client = await client_for(settings_for(server.url, tmp_path), shipped_content)
    try:
        token = (await start(client))["token"]
        server.stop()
        status, body = await send(client, token, text="hej")
        assert status == 503
        assert "112" in valid("Error", body)["message"]
        response = await client.post("/api/v1/conversations", headers={"Accept-Language": "fi"})
        assert response.status == 503
        assert "112" in (await response.json())["message"]
    finally:
        await client.close()
        server.stop()


# --- Replies that arrive later ---


async def test_the_websocket_delivers_later_replies_and_resumes_after_a_drop(client: Client) -> None:
    token = (await start(client))["token"]
    chat = client.app[WEB_CHAT]
    key = chat.conversation_key(token)

    def later(text: str) -> Reply:
        return Reply(text, "sv", "ltr")

    ws = await client.ws_connect("/api/v1/events")
    await ws.send_json({"type": "hello", "token": token})
    assert (await ws.receive_json(timeout=5))["type"] == "ready"
    await chat.outbox.publish(key, later("Hej, jag heter Sara och arbetar på socialtjänsten."))
    first = await ws.receive_json(timeout=5)
    assert first["type"] == "reply"
    assert valid("Reply", first["reply"])["text"].startswith("Hej, jag heter Sara")
    await ws.close()

    # While the page is away, two more replies come; on return it gets exactly those.
    await chat.outbox.publish(key, later("Är du kvar?"))
    await chat.outbox.publish(key, later("Du kan skriva när du vill."))
    ws = await client.ws_connect("/api/v1/events")
    await ws.send_json({"type": "hello", "token": token, "after": first["id"]})
    assert (await ws.receive_json(timeout=5))["type"] == "ready"
    missed = [(await ws.receive_json(timeout=5))["reply"]["text"] for _ in range(2)]
    assert missed == ["Är du kvar?", "Du kan skriva när du vill."]
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive_json(timeout=0.3)  # and nothing twice
    await ws.close()


async def test_the_websocket_closes_when_the_conversation_ends(client: Client) -> None:
    token = (await start(client))["token"]
    ws = await client.ws_connect("/api/v1/events")
    await ws.send_json({"type": "hello", "token": token})
    assert (await ws.receive_json(timeout=5))["type"] == "ready"
    assert (await client.post("/api/v1/exit", json={"token": token})).status == 204
    message = await ws.receive(timeout=2)
    assert (message.type, message.data) == (WSMsgType.CLOSE, 4404)
    await ws.close()
    # And a reply for it now brings nothing back.
    chat = client.app[WEB_CHAT]
    with pytest.raises(ConversationNotFound):
        await chat.outbox.publish(chat.conversation_key(token), Reply("För sent", "sv", "ltr"))
    assert (await client.post("/api/v1/messages", json={"token": token, "text": "hej"})).status == 404


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"type": "hello", "token": "A" * 43}, 4404),  # no such conversation
        ({"type": "hi"}, 4400),
        ({"type": "hello", "token": "short"}, 4400),
        ({"type": "hello", "token": "A" * 43, "after": "yesterday"}, 4400),
    ],
)
async def test_a_bad_hello_closes_the_websocket_with_a_reason(
    client: Client, hello: dict[str, str], code: int
) -> None:
    ws = await client.ws_connect("/api/v1/events")
    await ws.send_json(hello)
    message = await ws.receive(timeout=5)
    assert message.type == WSMsgType.CLOSE
    assert message.data == code
    await ws.close()


# --- Headers, the document, the page ---


async def test_every_response_is_uncached_unreferred_and_locked_down(client: Client) -> None:
    token = (await start(client))["token"]
    responses = [
        await client.get("/"),
        await client.get("/static/chat.js"),
        await client.get("/static/chat.css"),
        await client.post("/api/v1/messages", json={"token": token, "text": "hej"}),
        await client.post("/api/v1/messages", data="{"),
        await client.get("/api/openapi.json"),
        await client.get("/no-such-page"),
    ]
    for response in responses:
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", response.url
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "unsafe" not in policy
        assert policy.endswith("frame-ancestors 'none'")
        assert "Set-Cookie" not in headers


async def test_frame_ancestors_follow_the_setting(
    redis_server: RedisServerProcess, shipped_content: Content, tmp_path: Path
) -> None:
    settings = settings_for(redis_server.url, tmp_path, FRISTAD_FRAME_ANCESTORS="https://www.taby.se")
    client = await client_for(settings, shipped_content)
    try:
        response = await client.get("/")
        assert response.headers["Content-Security-Policy"].endswith("frame-ancestors https://www.taby.se")
    finally:
        await client.close()


async def test_the_openapi_document_describes_every_api_route(client: Client) -> None:
    response = await client.get("/api/openapi.json")
    document = await response.json()
    assert document["openapi"].startswith("3.")
    routes = {
        info.get("path") or info.get("formatter")
        for route in client.app.router.routes()
        if (info := route.resource.get_info() if route.resource else {})
    }
    api_routes = {path for path in routes if path and path.startswith("/api/v1/")}
    assert api_routes == set(document["paths"])
    Draft202012Validator.check_schema({"$defs": document["components"]["schemas"]})


async def test_the_page_follows_the_browser_language_and_stays_small(client: Client) -> None:
    arabic = await (await client.get("/", headers={"Accept-Language": "ar,en;q=0.5"})).text()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "خروج سريع" in arabic
    swedish = await (await client.get("/", headers={"Accept-Language": "de"})).text()
    assert '<html lang="sv" dir="ltr">' in swedish
    sizes = [len(swedish.encode())] + [
        len(await (await client.get(f"/static/{name}")).read()) for name in ("chat.js", "chat.css")
    ]
    assert sum(sizes) < 100 * 1024, sizes


async def test_the_page_loads_nothing_from_another_host(client: Client) -> None:
    page = await (await client.get("/")).text()
    script = await (await client.get("/static/chat.js")).text()
    style = await (await client.get("/static/chat.css")).text()
    # The only outside address is where quick exit goes: a link, not something loaded.
    outside = re.findall(r"(?:https?:)?//[\w.-]+", page + script + style)
    assert outside == ["https://www.smhi.se"]
    assert 'href="https://www.smhi.se/vader"' in page
    assert "<script>" not in page  # no inline script: the page's texts are a JSON data block


def test_a_reply_is_shown_as_its_dataclass_fields() -> None:
    """The hand-written form of a reply keeps every field, as `asdict` would."""
    reply = Reply(
        "Hej",
        "sv",
        "ltr",
        (Option("atv", "ATV"), Option("back", "Tillbaka")),
        (Option("global:danger", "Jag är i fara nu"),),
    )
    assert json.dumps(api.reply_json(reply)) == json.dumps(dataclasses.asdict(reply))
    assert api.replies_json((reply, Reply("Bye", "en", "rtl"))) == [
        api.reply_json(reply),
        {"text": "Bye", "language": "en", "direction": "rtl", "options": [], "actions": []},
    ]


@pytest.mark.parametrize("ended", [False, True])
def test_a_turns_answer_is_the_json_of_its_replies_byte_for_byte(ended: bool) -> None:
    replies = (
        Reply('Hej "där" – ok', "sv", "ltr", (Option("atv", "ATV"),), (Option("global:danger", "Fara"),)),
        Reply("مرحبا", "ar", "rtl"),
    )
    for _ in range(2):  # made, then kept
        response = api.turn_response(replies, ended)
        assert response.content_type == "application/json"
        assert response.text == json.dumps({"replies": api.replies_json(replies), "ended": ended})
    other = api.turn_response((Reply("Hej", "sv", "ltr", (Option("atv", "Prata med ATV"),)),), ended)
    assert json.loads(other.text or "")["replies"][0]["options"] == [{"id": "atv", "label": "Prata med ATV"}]

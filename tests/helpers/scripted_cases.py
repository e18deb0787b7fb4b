"""Scripted conversations through the real application, for the security tests: a person
in the web chat and a person in Telegram each ask for a person; a caseworker takes the
cases in the console, answers and writes a note. The texts are canaries: distinctive
strings that may be kept only encrypted; the Telegram person's id is one too.

Also what to look for: every form in which a canary would show if it were stored or
logged in clear (UTF-8, JSON-escaped, UTF-16, its ASCII part, and an id as digits and as
the 64-bit integer Redis packs into small hashes and lists).

A "browser" is an aiohttp TestClient (Fristad in the test's process) or a ClientSession
with a base_url (a `fristad run` process): both take relative paths."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.crypto import ConversationKeyer
from bot.core.handoff import case_code
from tests.helpers.bot_api import BotApiStandIn

Browser = Any  # TestClient or ClientSession(base_url=...)

CANARY = "KANARIEFÅGEL-7f3a"
PERSON_WEB = f"{CANARY}-webb-Q9ZX"  # what the person in the web chat writes
PERSON_TELEGRAM = f"{CANARY}-telegram-W4KD"  # what the person in Telegram writes
CASEWORKER = f"{CANARY}-svar-M2PL"  # what the caseworker answers
NOTE = f"{CANARY}-anteckning-B8RT"  # the caseworker's note
TEXTS = (PERSON_WEB, PERSON_TELEGRAM, CASEWORKER, NOTE)
TELEGRAM_ID = 987654321987  # the person's Telegram user id, which is also the chat's id
# What Telegram tells the bot about the person with every update: never to be kept.
FIRST_NAME = "Fågelnamn-H5QN"
USERNAME = "kanarie_user_h5qn"
ADDRESS = "203.0.113.77"  # the web chat person's address, as a proxy would pass it on
PASSWORD = "correct horse battery"
CASEWORKER_NAME = "sara"
TEAM = "support"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def text_forms(text: str) -> list[bytes]:
    """The bytes a text would have if kept in clear: UTF-8, JSON with \\u escapes (as
    json.dumps writes it), UTF-16, and its ASCII parts (in any ASCII-based encoding)."""
    ascii_parts = [part for part in re.split(r"[^\x00-\x7f]+", text) if len(part) >= 12]
    return [
        text.encode(),
        json.dumps(text).strip('"').encode(),
        text.encode("utf-16-le"),
        *(part.encode() for part in ascii_parts),
    ]


def id_forms(number: int) -> list[bytes]:
    """An id as digits, and as the 64-bit integer Redis keeps in listpacks and intsets."""
    return [str(number).encode(), number.to_bytes(8, "little"), number.to_bytes(8, "big")]


def canaries(extra: dict[str, list[bytes]] | None = None) -> dict[str, list[bytes]]:
    """Name -> the byte forms to search for: the texts, what Telegram says about the
    person, the person's address and id, and `extra` (tokens and keys, say)."""
    searched = {text: text_forms(text) for text in (*TEXTS, FIRST_NAME, USERNAME, ADDRESS)}
    searched[f"Telegram id {TELEGRAM_ID}"] = id_forms(TELEGRAM_ID)
    return {**searched, **(extra or {})}


def found_in(data: bytes, searched: dict[str, list[bytes]]) -> list[str]:
    """The names of the canaries that occur in `data`, in any of their forms."""
    return [name for name, forms in searched.items() if any(form in data for form in forms)]


@dataclass
class Scripted:
    keyer: ConversationKeyer
    token: str = ""  # the web chat's conversation token
    pages: dict[str, str] = field(default_factory=dict)  # case code -> the console's case page

    @property
    def web_key(self) -> str:
        return self.keyer.conversation_key("web", self.token)

    @property
    def telegram_key(self) -> str:
        return self.keyer.conversation_key("telegram", str(TELEGRAM_ID))

    @property
    def codes(self) -> dict[str, str]:
        return {"web": case_code(self.web_key), "telegram": case_code(self.telegram_key)}


def browser_of(client: TestClient[Any, Any]) -> aiohttp.ClientSession:
    """Another browser on the same server, with its own cookies (a caseworker's); closing
    it leaves the server running (closing a TestClient stops it)."""
    return aiohttp.ClientSession(
        base_url=str(client.make_url("/")), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


def telegram_update(api: BotApiStandIn, text: str) -> dict[str, Any]:
    """A message from the person, with all that Telegram says about them."""
    update = api.text_update(TELEGRAM_ID, text)
    update["message"]["from"].update(first_name=FIRST_NAME, username=USERNAME, last_name=FIRST_NAME)
    return update


async def post_update(browser: Browser, update: dict[str, Any], secret: str, path: str) -> None:
    async with browser.post(path, json=update, headers={SECRET_HEADER: secret}) as response:
        assert response.status == 200, await response.text()


async def web_turn(browser: Browser, token: str, **body: str) -> dict[str, Any]:
    async with browser.post(
        "/api/v1/messages", json={"token": token, **body}, headers={"X-Forwarded-For": ADDRESS}
    ) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def web_asks_for_a_person(browser: Browser, scripted: Scripted) -> None:
    """The web chat person says something and asks for a person."""
    async with browser.post(
        "/api/v1/conversations", json={"language": "sv"}, headers={"X-Forwarded-For": ADDRESS}
    ) as started:
        assert started.status == 201
        scripted.token = (await started.json())["token"]
    await web_turn(browser, scripted.token, choice="safe")
    await web_turn(browser, scripted.token, text=PERSON_WEB)
    await web_turn(browser, scripted.token, choice="global:person")


async def telegram_writes(browser: Browser, api: BotApiStandIn, secret: str, path: str, *texts: str) -> None:
    """The Telegram person sends these messages; each is answered by the bot."""
    before = len(api.bot_messages(TELEGRAM_ID))
    for text in texts:
        await post_update(browser, telegram_update(api, text), secret, path)
    await api.wait_for_bot_messages(TELEGRAM_ID, before + len(texts))


async def add_caseworker(redis: Redis, name: str = CASEWORKER_NAME) -> None:
    await Accounts(redis).add(name, PASSWORD, "caseworker", (TEAM,))


async def log_in(browser: Browser, name: str = CASEWORKER_NAME) -> None:
    async with browser.get("/console/login") as form:
        token = _first(r'id="login-csrf" name="csrf" value="([^"]+)"', await form.text())
    data = {"name": name, "password": PASSWORD, "csrf": token}
    async with browser.post("/console/login", data=data, allow_redirects=False) as response:
        assert response.status == 303


async def case_action(caseworker: Browser, code: str, action: str, text: str = "") -> None:
    async with caseworker.get("/console") as queue:
        csrf = _first(r'name="csrf" value="([^"]+)"', await queue.text())
    data = {"csrf": csrf, **({"text": text} if text else {})}
    async with caseworker.post(
        f"/console/cases/{TEAM}/{code}/{action}", data=data, allow_redirects=False
    ) as response:
        assert response.status == 303, (action, response.status, await response.text())


async def case_page(caseworker: Browser, code: str) -> str:
    async with caseworker.get(f"/console/cases/{TEAM}/{code}") as page:
        assert page.status == 200
        return str(await page.text())


async def claim(caseworker: Browser, codes: list[str]) -> None:
    for code in codes:
        await case_action(caseworker, code, "claim")


async def answer(caseworker: Browser, scripted: Scripted, codes: list[str]) -> None:
    """The caseworker answers each of these cases and writes a note about each; the case
    pages are kept (what the console shows, decrypted)."""
    for code in codes:
        await case_action(caseworker, code, "reply", CASEWORKER)
        await case_action(caseworker, code, "note", NOTE)
        scripted.pages[code] = await case_page(caseworker, code)


async def web_reply_arrives(browser: Browser, token: str, text: str) -> None:
    """The web chat page, connecting now, is given a later reply that begins with `text`."""
    ws = await browser.ws_connect("/api/v1/events")
    try:
        await ws.send_json({"type": "hello", "token": token, "after": "0"})
        assert (await ws.receive_json(timeout=5))["type"] == "ready"
        while not (await ws.receive_json(timeout=5))["reply"]["text"].startswith(text):
            pass
    finally:
        await ws.close()


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)

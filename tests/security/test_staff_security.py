"""The console and the admin pages under attack (SAFETY rules 12-15, issue 8 point 8):
brute force, cookie flags, session fixation, idle and absolute timeouts, CSRF, the
Content Security Policy, and every route walked with every role.

The real app runs on a real Redis (web chat, console and admin pages; for the walk over
every route, Telegram's webhook too, against tests/helpers/bot_api.py). The test
client stands in for the deployment's own TLS proxy: 127.0.0.1 is listed in
FRISTAD_TRUSTED_PROXIES, so `X-Forwarded-For` says which address a request comes from
and `X-Forwarded-Proto` whether it arrived over https.

Time: the login guard's and the sessions' only clocks are in Redis (a counter's TTL, a
session's TTL and its `created` field), so the tests move time on by changing those,
never by sleeping minutes.

Already proven elsewhere, not repeated here (tests/adapters/test_console.py):
the delays 0, 0, 0, 0.5, 1, 2 s and the cap at 8 s of `LoginGuard.delay`
(test_failures_slow_down_and_then_lock_the_account); 60 simultaneous attempts let exactly
ten through (test_attempts_made_at_the_same_moment_cannot_pass_the_limit); Argon2id
hashes (test_passwords_are_stored_as_argon2id_hashes); the idle and absolute limits of
`Sessions` with short limits, and only a hash of the id in Redis
(test_sessions_end_when_idle_and_after_their_lifetime); a new id at a second login
(test_login_gives_a_strict_cookie_with_a_new_session_id); a live socket ends at logout
(test_an_open_case_socket_stops_at_logout) and one from another site is refused
(test_an_open_queue_socket_from_another_site_is_refused). Help-seekers' responses:
tests/adapters/test_web_chat_api.py::test_every_response_is_uncached_unreferred_and_locked_down.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http.cookies import Morsel, SimpleCookie
from pathlib import Path
from typing import Any

import argon2
import pytest
from aiohttp import (
    ClientResponse,
    ClientWSTimeout,
    DummyCookieJar,
    TCPConnector,
    WSMsgType,
    WSServerHandshakeError,
)
from aiohttp.test_utils import TestClient
from redis.asyncio import Redis
from yarl import URL

from bot.adapters import accounts as accounts_module
from bot.adapters import redis_keys
from bot.adapters.accounts import (
    ABSOLUTE_SECONDS,
    FAILURE_WINDOW_SECONDS,
    FREE_FAILURES,
    IDLE_SECONDS,
    LOCK_AFTER_FAILURES,
    AccountLocked,
    Accounts,
    LoginGuard,
    Role,
)
from bot.adapters.console import CONSOLE
from bot.adapters.console.routes import ACTIONS, COOKIE, CSRF_HEADER, LIVE_SECONDS, LOGIN_COOKIE
from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.web_chat.headers import STAFF_AREAS
from bot.app.settings import Settings
from tests.adapters.test_console import PASSWORD, csrf_of, help_seeker_asks_for_a_person, log_in
from tests.admin.test_admin_http import publish
from tests.conftest import key_env
from tests.helpers.bot_api import BotApiStandIn
from tests.helpers.content import ROOT
from tests.telegram.conftest import WEBHOOK_PATH, running, telegram_settings

Client = TestClient[Any, Any]
Browser = Callable[..., Awaitable[Client]]

STAFF: dict[str, tuple[Role, tuple[str, ...]]] = {
    "sara": ("caseworker", ("support",)),
    "omar": ("caseworker", ("support",)),
    "aino": ("supervisor", ("support",)),
    "anna": ("admin", ()),  # an admin in no team: flows and texts, no conversations
    "ali": ("caseworker", ("atv",)),
}
# Still Argon2id, with small costs so that a test can log in a dozen times; the costs
# are part of each hash, so the app's own verify uses them. Production's are argon2-cffi's
# defaults (test_passwords_are_stored_as_argon2id_hashes).
QUICK_ARGON2ID = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
WHOLE = "with Telegram"
LOGIN_FORM_TOKEN = re.compile(r'id="login-csrf" name="csrf" value="([^"]+)"')


@pytest.fixture
async def fristad(
    request: pytest.FixtureRequest,
    redis_server: RedisServerProcess,
    redis: Redis,
    shipped_content: Content,
    tmp_path: Path,
) -> AsyncIterator[Client]:
    """The app with the web chat, the console and the admin pages, and the staff of
    STAFF; parametrized with WHOLE (indirect), also with Telegram's webhook, so that
    every route exists."""
    env = {"FRISTAD_TRUSTED_PROXIES": "127.0.0.1", "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "1000"}
    async with contextlib.AsyncExitStack() as stack:
        if getattr(request, "param", None) == WHOLE:
            api = BotApiStandIn()
            await api.start()
            stack.push_async_callback(api.close)
            settings = telegram_settings(redis_server.url, tmp_path, api, **env)
        else:
            settings = Settings.from_env(
                {
                    **key_env(),
                    **env,
                    "REDIS_URL": redis_server.url,
                    "FRISTAD_DATA_DIR": str(tmp_path),
                    "FRISTAD_TEAMS_FILE": str(ROOT / "config" / "teams.yaml"),
                }
            )
        client = await stack.enter_async_context(running(settings, shipped_content))
        accounts = Accounts(redis, QUICK_ARGON2ID)
        for name, (role, teams) in STAFF.items():
            await accounts.add(name, PASSWORD, role, teams)
        yield client


@pytest.fixture
async def browser(fristad: Client) -> AsyncIterator[Browser]:
    """Opens a browser (its own cookie jar) at an address, logged in as `name` if given."""
    opened: list[Client] = []

    async def open_browser(address: str, name: str | None = None, **options: Any) -> Client:
        client: Client = TestClient(fristad.server, headers={"X-Forwarded-For": address}, **options)
        opened.append(client)
        await client.start_server()
        if name is not None:
            response = await log_in(client, name)
            assert response.status == 303, await response.text()
        return client

    yield open_browser
    for client in opened:
        await client.session.close()  # the server is the fixture's


# --- Helpers ---


async def login_form(client: Client, **headers: str) -> tuple[str, ClientResponse]:
    response = await client.get("/console/login", headers=headers)
    found = LOGIN_FORM_TOKEN.search(await response.text())
    assert found is not None
    return found.group(1), response


async def guess(client: Client, token: str, name: str, password: str, address: str) -> ClientResponse:
    """A login attempt by a script that keeps no cookies: it sends the form's cookie itself."""
    return await client.post(
        "/console/login",
        data={"name": name, "password": password, "csrf": token},
        headers={"X-Forwarded-For": address, "Cookie": f"{LOGIN_COOKIE}={token}"},
        allow_redirects=False,
    )


def count_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the app checks with Argon2 from now on (the real check still runs)."""
    checked: list[str] = []
    real = argon2.PasswordHasher.verify

    def verify(self: argon2.PasswordHasher, hashed: str | bytes, password: str | bytes) -> Any:
        checked.append(str(password))
        return real(self, hashed, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    return checked


def cookie(response: ClientResponse, name: str) -> Morsel[str]:
    for header in response.headers.getall("Set-Cookie", []):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        if name in parsed:
            return parsed[name]
    raise AssertionError(f"no {name} cookie in {response.headers.getall('Set-Cookie', [])}")


def session_id(client: Client) -> str:
    return next(c.value for c in client.session.cookie_jar if c.key == COOKIE)


def session_key(session: str) -> str:
    return redis_keys.session(hashlib.sha256(session.encode()).hexdigest())


async def goes_to_login(client: Client, path: str = "/console", **headers: str) -> bool:
    response = await client.get(path, headers=headers, allow_redirects=False)
    return response.status == 303 and response.headers["Location"] == "/console/login"


async def audited(client: Client, who: str, action: str) -> int:
    entries = await client.app[CONSOLE].audit.latest(1000)
    return sum(1 for e in entries if e["who"] == who and e["action"] == action)


async def move_time_on(redis: Redis, keys: list[str], seconds: int) -> None:
    """What `seconds` do to the guard's counters: their TTL runs down, and they end."""
    for key in keys:
        left = await redis.pttl(key)
        assert left != -1, f"{key} has no end: it would count for ever"
        if left <= 0:
            continue
        if left <= seconds * 1000:
            await redis.delete(key)
        else:
            await redis.pexpire(key, left - seconds * 1000)


async def waiting_and_claimed_case(fristad: Client, browser: Browser) -> tuple[str, str]:
    """Two help-seekers asked for a person: sara claimed the first (and the person wrote
    to her), the second waits."""
    tokens = [await help_seeker_asks_for_a_person(fristad) for _ in range(2)]
    first, second = await fristad.app[CONSOLE].queue.waiting("support")
    sara = await browser("10.9.0.1", "sara")
    queue = await (await sara.get("/console")).text()
    claimed = await sara.post(
        f"/console/cases/support/{first.code}/claim", data={"csrf": csrf_of(queue)}, allow_redirects=False
    )
    assert claimed.status == 303
    case = await fristad.app[CONSOLE].queue.case("support", first.code)
    assert case is not None
    person = tokens[0] if case.conversation_key == first.conversation_key else tokens[1]
    said = await fristad.post("/api/v1/messages", json={"token": person, "text": "Han läser min telefon"})
    assert said.status == 200
    return second.code, first.code


async def redis_contents(redis: Redis) -> dict[bytes, bytes | None]:
    """Every key and its value, without TTLs (a session's TTL moves with each request).
    The workers' note of which encryption key each writes with changes by itself, every
    second, and is left out."""
    contents: dict[bytes, bytes | None] = {}
    async for key in redis.scan_iter(count=1000):
        if key.startswith(b"fristad:keys:"):
            continue
        contents[key] = await redis.dump(key)
    return contents


# --- Brute force (SAFETY rule 14) ---


async def test_many_addresses_get_at_most_ten_password_checks_on_one_account_then_429(
    fristad: Client, redis: Redis, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sixty guesses at once; each failure waits before it is answered, and those waits
    # (whose growth the next test proves) would only make this test slow.
    monkeypatch.setattr(accounts_module, "MAX_DELAY_SECONDS", 0.05)
    checked = count_password_checks(monkeypatch)
    script = await browser("203.0.113.1", cookie_jar=DummyCookieJar())
    token, _ = await login_form(script)
    answers = await asyncio.gather(
        *(guess(script, token, "sara", f"guess number {i}", f"198.51.100.{i}") for i in range(60))
    )
    statuses = [a.status for a in answers]
    assert statuses.count(401) == LOCK_AFTER_FAILURES
    assert statuses.count(429) == 60 - LOCK_AFTER_FAILURES
    assert len(checked) == LOCK_AFTER_FAILURES  # passwords actually checked
    assert all(COOKIE not in a.cookies for a in answers)

    # Locked: the right password, from an address never seen, is not even checked.
    right = await guess(script, token, "sara", PASSWORD, "192.0.2.200")
    assert right.status == 429
    assert "För många misslyckade försök" in await right.text()
    assert COOKIE not in right.cookies
    assert len(checked) == LOCK_AFTER_FAILURES
    # ... until the hour that began with the first failure is over.
    left = await redis.ttl(redis_keys.login_failures("account", "sara"))
    assert FAILURE_WINDOW_SECONDS - 60 < left <= FAILURE_WINDOW_SECONDS
    assert await audited(fristad, "sara", "login-failed") == LOCK_AFTER_FAILURES
    assert await audited(fristad, "sara", "login-locked") == 60 - LOCK_AFTER_FAILURES + 1
    await browser("198.51.100.250", "omar")  # another account is not touched: logs in


async def test_one_address_gets_ten_tries_over_all_accounts_then_even_a_right_password_waits(
    fristad: Client, redis: Redis, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts_module, "MAX_DELAY_SECONDS", 0.05)
    checked = count_password_checks(monkeypatch)
    script = await browser("203.0.113.2", cookie_jar=DummyCookieJar())
    token, _ = await login_form(script)
    # Two wrong passwords for each of five accounts, none of them near its own limit;
    # one of the names typed is a password typed into the wrong field.
    names = ["sara", "omar", "aino", "anna", PASSWORD] * 2
    statuses = [(await guess(script, token, name, "not it at all", "203.0.113.2")).status for name in names]
    assert statuses == [401] * LOCK_AFTER_FAILURES
    locked = await guess(script, token, "ali", PASSWORD, "203.0.113.2")
    assert locked.status == 429  # the address, not the account, is over its limit
    assert COOKIE not in locked.cookies
    assert len(checked) == LOCK_AFTER_FAILURES
    assert (await guess(script, token, "ali", PASSWORD, "192.0.2.201")).status == 303  # from elsewhere
    # A typed name that cannot be an account is counted per address only, and kept nowhere.
    assert not [key async for key in redis.scan_iter(match="*horse*")]
    assert await audited(fristad, "(not an account name)", "login-failed") == 2


async def test_each_failure_after_the_third_waits_twice_as_long_before_it_is_answered(
    fristad: Client, redis: Redis, browser: Browser
) -> None:
    guard = LoginGuard(redis)
    person = await browser("192.0.2.30")
    started = time.monotonic()
    assert (await log_in(person, "aino", "a wrong password")).status == 401
    first = time.monotonic() - started
    for i in range(FREE_FAILURES - 1):  # two more failures, from elsewhere: aino has three
        await guard.attempt("aino", f"elsewhere-{i}")
    waits = []
    for _ in range(2):
        started = time.monotonic()
        assert (await log_in(person, "aino", "still wrong")).status == 401
        waits.append(time.monotonic() - started)
    assert guard.delay(FREE_FAILURES + 1) == 0.5
    assert first < waits[0]  # the first three are answered at once
    assert waits[0] >= 0.5  # the fourth
    assert waits[1] >= 1.0  # the fifth: twice as long
    assert waits[1] - waits[0] >= 0.4


async def test_failed_checks_on_one_account_never_exceed_a_hundred_in_any_hour(redis: Redis) -> None:
    """Three hours of an attacker guessing every 30 s from ever new addresses, while the
    account's owner logs in with the right password every 3 minutes from the office.
    Time moves on by shortening the counters' TTLs (the guard's only clock)."""
    guard = LoginGuard(redis)
    step, hours = 30, 3
    counters = [
        redis_keys.login_failures("account", "sara"),
        redis_keys.login_failures("address", "office"),
    ]
    checked_at = []
    for now in range(0, hours * 3600, step):
        with contextlib.suppress(AccountLocked):
            await guard.attempt("sara", f"attacker-{now}")
            checked_at.append(now)  # the guard let this guess reach the password check
        if now % 180 == 0:
            with contextlib.suppress(AccountLocked):
                await guard.attempt("sara", "office")
                await guard.succeeded("sara", "office")
        await move_time_on(redis, counters, step)
    in_an_hour = [
        sum(1 for t in checked_at if start <= t < start + 3600)
        for start in range(0, (hours - 1) * 3600 + step, step)
    ]
    assert max(in_an_hour) <= 2 * LOCK_AFTER_FAILURES <= 100  # two windows can meet in an hour
    assert len(checked_at) <= hours * LOCK_AFTER_FAILURES


# --- Passwords, cookies and sessions (SAFETY rule 12) ---


async def test_passwords_are_argon2id_at_argon2_cffis_default_cost_or_more(redis: Redis) -> None:
    """What `fristad user add` stores (tests/adapters/test_console.py checks the prefix;
    this, that nobody lowered the costs)."""
    await Accounts(redis).add("kim", PASSWORD, "caseworker", ("support",))
    stored = await redis.hget(redis_keys.account("kim"), "hash")
    assert stored is not None
    used = argon2.extract_parameters(stored.decode())
    floor = argon2.PasswordHasher()
    assert used.type is argon2.Type.ID
    assert used.time_cost >= floor.time_cost
    assert used.memory_cost >= floor.memory_cost
    assert used.parallelism >= floor.parallelism
    assert used.salt_len >= floor.salt_len >= 16
    assert used.hash_len >= floor.hash_len


async def test_cookies_are_httponly_strict_and_secure_exactly_when_served_over_https(
    fristad: Client, browser: Browser
) -> None:
    def flags(morsel: Morsel[str]) -> tuple[bool, str, str, bool, bool]:
        persistent = bool(morsel["expires"] or morsel["max-age"])
        return (
            bool(morsel["httponly"]),
            morsel["samesite"],
            morsel["path"],
            bool(morsel["secure"]),
            persistent,
        )

    cases = [
        # (who asks, headers, Secure expected)
        (await browser("192.0.2.40"), {}, False),  # plain http
        (await browser("192.0.2.41"), {"X-Forwarded-Proto": "https"}, True),  # behind our TLS proxy
        # Someone who is not our proxy says "https": not believed, no Secure.
        (
            await browser("192.0.2.42", connector=TCPConnector(local_addr=("127.0.0.2", 0))),
            {"X-Forwarded-Proto": "https"},
            False,
        ),
    ]
    for client, headers, secure in cases:
        token, form = await login_form(client, **headers)
        assert flags(cookie(form, LOGIN_COOKIE)) == (True, "Strict", "/console/login", secure, False)
        # A browser sends a Secure cookie over https only; the client here talks http
        # to the app (as the TLS proxy does), so the form's cookie is sent by hand.
        response = await client.post(
            "/console/login",
            data={"name": "sara", "password": PASSWORD, "csrf": token},
            headers={**headers, "Cookie": f"{LOGIN_COOKIE}={token}"},
            allow_redirects=False,
        )
        assert response.status == 303
        assert flags(cookie(response, COOKIE)) == (True, "Strict", "/", secure, False), headers
        assert len(cookie(response, COOKIE).value) >= 43  # 256 random bits


async def test_a_session_id_planted_before_login_is_replaced_and_dead_after_it(
    fristad: Client, redis: Redis, browser: Browser
) -> None:
    # The attacker is staff himself and plants his own, real, session in her browser.
    attacker = await browser("203.0.113.3", "omar")
    planted = session_id(attacker)
    victim = await browser("192.0.2.50")
    victim.session.cookie_jar.update_cookies({COOKIE: planted})
    response = await log_in(victim, "sara")
    assert response.status == 303
    hers = cookie(response, COOKIE).value
    assert hers != planted
    assert await goes_to_login(attacker)  # the planted id is dead for him too
    assert not await redis.exists(session_key(planted))
    session = await fristad.app[CONSOLE].sessions.get(hers)
    assert session is not None
    assert session.account.name == "sara"
    # An id the attacker made up never becomes a session.
    made_up = "A" * 43
    other = await browser("192.0.2.51")
    other.session.cookie_jar.update_cookies({COOKIE: made_up})
    assert await goes_to_login(other)
    response = await log_in(other, "aino")
    assert response.status == 303
    assert cookie(response, COOKIE).value != made_up
    assert not await redis.exists(session_key(made_up))
    # After logout the id is dead, even to someone who copied it.
    await victim.post("/console/logout", data={"csrf": csrf_of(await (await victim.get("/console")).text())})
    copied = await browser("203.0.113.4", cookie_jar=DummyCookieJar())
    assert await goes_to_login(copied, Cookie=f"{COOKIE}={hers}")


async def test_thirty_idle_minutes_end_the_session(fristad: Client, redis: Redis, browser: Browser) -> None:
    """The idle clock is the session key's TTL in Redis, set again by every request:
    the test shortens it as 29 and 30 minutes without a request would."""
    sara = await browser("192.0.2.60", "sara")
    key = session_key(session_id(sara))
    assert IDLE_SECONDS - 5 <= await redis.ttl(key) <= IDLE_SECONDS == 30 * 60
    await redis.expire(key, 60)  # 29 minutes without a request
    assert (await sara.get("/console")).status == 200
    assert await redis.ttl(key) >= IDLE_SECONDS - 5  # a request gives it 30 minutes again
    await redis.pexpire(key, 1)  # 30 minutes without a request
    await asyncio.sleep(0.01)
    assert await goes_to_login(sara)
    assert await goes_to_login(sara, "/console/cases/support/ABCDEFGH")
    with pytest.raises(WSServerHandshakeError) as refused:
        await sara.ws_connect("/console/events")
    assert refused.value.status == 401


async def test_twelve_hours_after_login_the_session_ends_however_busy(
    fristad: Client, redis: Redis, browser: Browser
) -> None:
    """The session's start is the `created` field of its hash in Redis: the test moves it
    back 11 h 59 min, then 12 h and a second."""
    anna = await browser("192.0.2.70", "anna")
    key = session_key(session_id(anna))
    started = float(await redis.hget(key, "created") or 0)
    assert abs(started - time.time()) < 60
    almost = started - (ABSOLUTE_SECONDS - 60)
    await redis.hset(key, "created", almost)
    assert (await anna.get("/admin/audit")).status == 200
    assert float(await redis.hget(key, "created") or 0) == almost  # being used does not move it
    live = await anna.ws_connect("/console/events")
    assert (await live.receive_json(timeout=5))["type"] == "queue"
    await redis.hset(key, "created", started - ABSOLUTE_SECONDS - 1)
    assert await goes_to_login(anna, "/admin/audit")
    assert not await redis.exists(key)
    api = await anna.post("/admin/api/preview", json={}, headers={CSRF_HEADER: "whatever"})
    assert api.status == 401  # scripts are told, not redirected
    # The open live page stops at its next look (every LIVE_SECONDS).
    message = await live.receive(timeout=LIVE_SECONDS + 3)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)
    await live.close()


# --- CSRF (SAFETY rule 13) ---


def staff_post_paths(fristad: Client, values: Mapping[str, str]) -> list[str]:
    """Every POST route of the console and the admin pages, its parameters filled in
    (every action of a case)."""
    paths = []
    for route in fristad.app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if route.method != "POST" or not path.startswith(STAFF_AREAS):
            continue
        for action in ACTIONS if "{action}" in path else ("",):
            paths.append(path.format(**values, action=action))
    return paths


async def test_every_staff_post_without_the_right_token_or_from_another_site_is_refused(
    fristad: Client, redis: Redis, browser: Browser
) -> None:
    _, claimed = await waiting_and_claimed_case(fristad, browser)
    sara, anna, stranger, other_stranger = (
        await browser("10.9.0.1", "sara"),
        await browser("10.9.0.2", "anna"),
        await browser("10.9.0.3"),
        await browser("10.9.0.4"),
    )
    tokens = {
        sara: csrf_of(await (await sara.get("/console")).text()),
        anna: csrf_of(await (await anna.get("/console")).text()),
        stranger: (await login_form(stranger))[0],
        other_stranger: (await login_form(other_stranger))[0],
    }
    await anna.get("/admin")  # the shared draft exists from here on
    # Forms and bodies that would do something with the right token.
    form = {
        "name": "sara",
        "password": PASSWORD,
        "text": "Skickat från en annan webbplats",
        "to": "atv",
        "outcome": "advice",
        "revision": "1",
        "from": "shipped",
        "note": "x",
    }
    body = {"text": "id: main\n", "revision": 1, "messages": {"welcome": "Hej"}, "id": "welcome"}
    paths = staff_post_paths(
        fristad, {"team": "support", "code": claimed, "number": "1", "file": "main.yaml", "language": "sv"}
    )
    assert len(paths) >= 17  # the walk below holds the exact list
    before = await redis_contents(redis)

    async def post(client: Client, path: str, token: str | None, **headers: str) -> int:
        if "/api/" in path:
            if token is not None:
                headers[CSRF_HEADER] = token
            response = await client.post(path, json=body, headers=headers, allow_redirects=False)
        else:
            data = {**form, **({"csrf": token} if token is not None else {})}
            response = await client.post(path, data=data, headers=headers, allow_redirects=False)
        return response.status

    for path in paths:
        client, other = (
            (anna, sara)
            if path.startswith("/admin")
            else (stranger, other_stranger)
            if path == "/console/login"
            else (sara, anna)
        )
        right = tokens[client]
        refused = {
            "no token": await post(client, path, None),
            "a made-up token": await post(client, path, "x" * 43),
            "another session's token": await post(client, path, tokens[other]),
            "Sec-Fetch-Site: cross-site": await post(client, path, right, **{"Sec-Fetch-Site": "cross-site"}),
            "another site's Origin": await post(client, path, right, Origin="https://evil.example"),
        }
        assert set(refused.values()) == {403}, (path, refused)
    assert await redis_contents(redis) == before  # nothing changed: no note, no login, no publish
    # The same request with the right token does act (so the comparison above can see a change).
    assert await post(sara, f"/console/cases/support/{claimed}/note", tokens[sara]) == 303
    assert await redis_contents(redis) != before


# --- Every route, every role: the expected answer, and the headers (SAFETY rules 13, 15) ---

ROLES = ("nobody", "caseworker", "colleague", "supervisor", "admin", "other team")
ACCOUNT_OF = {
    "caseworker": "sara",
    "colleague": "omar",
    "supervisor": "aino",
    "admin": "anna",
    "other team": "ali",
}
LOGIN = "303 to the login"
ONWARDS = "303 onwards"  # a POST that did its work and redirects
WS_READY, WS_QUEUE, WS_CASE, WS_NOTHING = (
    "ws: ready",
    "ws: the queue",
    "ws: the case",
    "ws: closed, nothing shown",
)
Outcome = int | str
QUICK_CLOSE = ClientWSTimeout(ws_close=0.1)


@dataclass
class World:
    """What the requests need: the case codes, each role's browser and CSRF token."""

    fristad: Client
    codes: dict[str, str]
    browsers: dict[str, Client] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    responses: list[tuple[str, ClientResponse]] = field(default_factory=list)

    def path(self, template: str) -> str:
        return template.format(**self.codes)


Send = Callable[[World, str], Awaitable[Outcome]]


def outcome_of(world: World, where: str, response: ClientResponse) -> Outcome:
    world.responses.append((where, response))
    if response.status == 303:
        return LOGIN if response.headers["Location"] == "/console/login" else ONWARDS
    return response.status


def get(template: str, method: str = "GET") -> Send:
    async def send(world: World, role: str) -> Outcome:
        path = world.path(template)
        response = await world.browsers[role].request(method, path, allow_redirects=False)
        return outcome_of(world, f"{method} {path}", response)

    return send


def head(template: str) -> Send:
    return get(template, "HEAD")


def form(template: str, **fields: str) -> Send:
    async def send(world: World, role: str) -> Outcome:
        path = world.path(template)
        data = {"csrf": world.tokens[role], **fields}
        response = await world.browsers[role].post(path, data=data, allow_redirects=False)
        return outcome_of(world, f"POST {path}", response)

    return send


def wrong_password() -> Send:
    """The login form, filled in with the role's own name (or an unknown one) and a wrong
    password, from the role's own address: one failure per account and address."""

    async def send(world: World, role: str) -> Outcome:
        client = world.browsers[role]
        token, _ = await login_form(client)
        data = {"name": ACCOUNT_OF.get(role, "nobody"), "password": "not the password", "csrf": token}
        response = await client.post("/console/login", data=data, allow_redirects=False)
        return outcome_of(world, "POST /console/login", response)

    return send


def script(template: str, body: Mapping[str, Any], staff: bool = True) -> Send:
    """A JSON POST: the admin pages' scripts (the session's token in a header), or the
    web chat's and Telegram's (no token; a fresh conversation's token in place of TOKEN)."""

    async def send(world: World, role: str) -> Outcome:
        path = world.path(template)
        client = world.browsers[role]
        data = dict(body)
        if data.get("token") == "TOKEN":
            started = await world.fristad.post("/api/v1/conversations", json={"language": "sv"})
            data["token"] = (await started.json())["token"]
        headers = {CSRF_HEADER: world.tokens[role]} if staff else {}
        response = await client.post(path, json=data, headers=headers, allow_redirects=False)
        return outcome_of(world, f"POST {path}", response)

    return send


def socket(template: str, hello: bool = False) -> Send:
    """A WebSocket: refused (the handshake's status), or what it shows first."""

    async def send(world: World, role: str) -> Outcome:
        try:
            # The console's socket does not read while it waits for news, so the client
            # does not wait for the answer to its closing frame.
            ws = await world.browsers[role].ws_connect(world.path(template), timeout=QUICK_CLOSE)
        except WSServerHandshakeError as refused:
            return refused.status
        try:
            token = None
            if hello:
                started = await world.fristad.post("/api/v1/conversations", json={"language": "sv"})
                token = (await started.json())["token"]
                await ws.send_json({"type": "hello", "token": token, "after": "0"})
            message = await ws.receive(timeout=5)
            if message.type != WSMsgType.TEXT:
                return WS_NOTHING
            kind = message.json()["type"]
            return {"ready": WS_READY, "queue": WS_QUEUE, "said": WS_CASE}.get(kind, f"ws: {kind}")
        finally:
            if token is not None:
                # The conversation ends, so the server ends its side. (A help-seeker's
                # socket closed by the client just after "ready" leaves the server's
                # reader running: see the report of issue 8 point 8.)
                await world.fristad.post("/api/v1/exit", json={"token": token})
            await ws.close()

    return send


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def staff_only(outcome: Outcome, nobody: Outcome = LOGIN) -> dict[str, Outcome]:
    """Any logged-in staff member; nobody is sent to the login."""
    return {**everyone(outcome), "nobody": nobody}


def admins_only(outcome: Outcome, nobody: Outcome = LOGIN) -> dict[str, Outcome]:
    return {**everyone(403), "nobody": nobody, "admin": outcome}


def case(
    nobody: Outcome = LOGIN,
    *,
    caseworker: Outcome,
    colleague: Outcome,
    supervisor: Outcome,
    admin: Outcome,
    other_team: Outcome = 404,
) -> dict[str, Outcome]:
    """A case of the team `support`, whose caseworker, colleague and supervisor are
    sara, omar and aino; the other team's caseworker never finds it; the admin is in no
    team."""
    return {
        "nobody": nobody,
        "caseworker": caseworker,
        "colleague": colleague,
        "supervisor": supervisor,
        "admin": admin,
        "other team": other_team,
    }


WAITING, CLAIMED = "/console/cases/support/{waiting}", "/console/cases/support/{claimed}"  # claimed by sara
CASE_PAGE_WAITING = case(caseworker=200, colleague=200, supervisor=200, admin=404)
CASE_PAGE_CLAIMED = case(caseworker=200, colleague=404, supervisor=200, admin=404)
PREVIEW = {"language": "sv", "text": 5}  # refused by the handler: it changes nothing

# (method, route) -> the requests to it, and what each role gets.
ROUTES: dict[tuple[str, str], list[tuple[Send, dict[str, Outcome]]]] = {
    # Operations and the help-seekers' web chat: public.
    ("GET", "/healthz"): [(get("/healthz"), everyone(200))],
    ("HEAD", "/healthz"): [(head("/healthz"), everyone(200))],
    ("GET", "/readyz"): [(get("/readyz"), everyone(200))],
    ("HEAD", "/readyz"): [(head("/readyz"), everyone(200))],
    ("GET", "/"): [(get("/"), everyone(200))],
    ("HEAD", "/"): [(head("/"), everyone(200))],
    ("GET", "/favicon.ico"): [(get("/favicon.ico"), everyone(204))],
    ("HEAD", "/favicon.ico"): [(head("/favicon.ico"), everyone(204))],
    ("GET", "/static"): [(get("/static/chat.js"), everyone(200))],
    ("HEAD", "/static"): [(head("/static/chat.js"), everyone(200))],
    ("GET", "/api/openapi.json"): [(get("/api/openapi.json"), everyone(200))],
    ("HEAD", "/api/openapi.json"): [(head("/api/openapi.json"), everyone(200))],
    ("POST", "/api/v1/conversations"): [
        (script("/api/v1/conversations", {"language": "sv"}, staff=False), everyone(201))
    ],
    ("POST", "/api/v1/messages"): [
        (script("/api/v1/messages", {"token": "TOKEN", "text": "hej"}, staff=False), everyone(200))
    ],
    ("POST", "/api/v1/exit"): [(script("/api/v1/exit", {"token": "TOKEN"}, staff=False), everyone(204))],
    ("GET", "/api/v1/events"): [(socket("/api/v1/events", hello=True), everyone(WS_READY))],
    ("HEAD", "/api/v1/events"): [(head("/api/v1/events"), everyone(400))],  # not a WebSocket handshake
    # Telegram: the secret decides, never a staff session.
    ("POST", WEBHOOK_PATH): [(script(WEBHOOK_PATH, {"update_id": 1}, staff=False), everyone(403))],
    # The console: its login and assets are public; everything else needs a session.
    ("GET", "/console/static"): [(get("/console/static/console.js"), everyone(200))],
    ("HEAD", "/console/static"): [(head("/console/static/console.js"), everyone(200))],
    ("GET", "/console/login"): [(get("/console/login"), everyone(200))],
    ("HEAD", "/console/login"): [(head("/console/login"), everyone(200))],
    ("POST", "/console/login"): [(wrong_password(), everyone(401))],
    # Sent last, as it ends each role's session.
    ("POST", "/console/logout"): [(form("/console/logout"), everyone(LOGIN))],
    ("GET", "/console"): [(get("/console"), staff_only(200))],
    ("HEAD", "/console"): [(head("/console"), staff_only(200))],
    ("GET", "/console/cases/{team}/{code}"): [
        (get(WAITING), CASE_PAGE_WAITING),
        (get(CLAIMED), CASE_PAGE_CLAIMED),
        (get("/console/cases/atv/{claimed}"), case(caseworker=404, colleague=404, supervisor=404, admin=404)),
    ],
    ("HEAD", "/console/cases/{team}/{code}"): [
        (head(WAITING), CASE_PAGE_WAITING),
        (head(CLAIMED), CASE_PAGE_CLAIMED),
    ],
    ("POST", "/console/cases/{team}/{code}/{action}"): [
        # Only the owner writes in a case; a supervisor may give it back or move it (its
        # own test in test_console.py); another team's caseworker and the team-less
        # admin do not even find it.
        (
            form(CLAIMED + "/note", text="En anteckning"),
            case(caseworker=ONWARDS, colleague=409, supervisor=409, admin=404),
        ),
        (form(WAITING + "/no-such-action"), case(caseworker=404, colleague=404, supervisor=404, admin=404)),
    ],
    ("GET", "/console/events"): [
        (socket("/console/events"), staff_only(WS_QUEUE, nobody=401)),
        (
            socket("/console/events?team=support&code={claimed}"),
            case(
                401,
                caseworker=WS_CASE,
                colleague=WS_NOTHING,
                supervisor=WS_CASE,
                admin=WS_NOTHING,
                other_team=WS_NOTHING,
            ),
        ),
    ],
    ("HEAD", "/console/events"): [(head("/console/events"), staff_only(400, nobody=401))],
    # The admin pages: admins only (their assets are public).
    ("GET", "/admin/static"): [(get("/admin/static/admin.js"), everyone(200))],
    ("HEAD", "/admin/static"): [(head("/admin/static/admin.js"), everyone(200))],
    ("GET", "/admin"): [(get("/admin"), admins_only(200))],
    ("HEAD", "/admin"): [(head("/admin"), admins_only(200))],
    ("GET", "/admin/flows/{file}"): [(get("/admin/flows/main.yaml"), admins_only(200))],
    ("HEAD", "/admin/flows/{file}"): [(head("/admin/flows/main.yaml"), admins_only(200))],
    ("GET", "/admin/texts/{language}"): [(get("/admin/texts/en"), admins_only(200))],
    ("HEAD", "/admin/texts/{language}"): [(head("/admin/texts/en"), admins_only(200))],
    ("GET", "/admin/preview"): [(get("/admin/preview"), admins_only(200))],
    ("HEAD", "/admin/preview"): [(head("/admin/preview"), admins_only(200))],
    ("GET", "/admin/audit"): [(get("/admin/audit"), admins_only(200))],
    ("HEAD", "/admin/audit"): [(head("/admin/audit"), admins_only(200))],
    ("GET", "/admin/statistics"): [(get("/admin/statistics"), admins_only(200))],
    ("HEAD", "/admin/statistics"): [(head("/admin/statistics"), admins_only(200))],
    ("GET", "/admin/statistics.csv"): [(get("/admin/statistics.csv"), admins_only(200))],
    ("HEAD", "/admin/statistics.csv"): [(head("/admin/statistics.csv"), admins_only(200))],
    # Admins' forms; the admin's are refused by the handler (a stale revision) or
    # harmless (rolling back to the version that runs), so the walk changes nothing.
    ("POST", "/admin/publish"): [(form("/admin/publish", revision="0"), admins_only(409))],
    ("POST", "/admin/versions/{number}/rollback"): [
        (form("/admin/versions/1/rollback"), admins_only(ONWARDS))
    ],
    ("POST", "/admin/draft/reset"): [(form("/admin/draft/reset", revision="-1"), admins_only(409))],
    # Admins' scripts: not logged in is 401, not an admin 403.
    ("POST", "/admin/api/flows/{file}/check"): [
        (script("/admin/api/flows/main.yaml/check", {"text": "id: main\n"}), admins_only(200, nobody=401))
    ],
    ("POST", "/admin/api/flows/{file}"): [
        (script("/admin/api/flows/main.yaml", {"text": 5}), admins_only(400, nobody=401))
    ],
    ("POST", "/admin/api/texts/{language}/check"): [
        (script("/admin/api/texts/en/check", {"id": "welcome", "text": "Hi"}), admins_only(200, nobody=401))
    ],
    ("POST", "/admin/api/texts/{language}"): [
        (script("/admin/api/texts/en", {"messages": 5}), admins_only(400, nobody=401))
    ],
    ("POST", "/admin/api/preview"): [(script("/admin/api/preview", PREVIEW), admins_only(400, nobody=401))],
}


def routes_of(fristad: Client) -> set[tuple[str, str]]:
    found = set()
    for route in fristad.app.router.routes():
        assert route.resource is not None
        found.add((route.method, route.resource.canonical))
    return found


def assert_locked_down(where: str, response: ClientResponse) -> None:
    """No caching, no referrer, a strict policy: no inline script, never framed."""
    headers = response.headers
    assert headers.get("Cache-Control") == "no-store", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    policy = headers.get("Content-Security-Policy", "")
    assert policy.startswith("default-src 'none'; script-src 'self'; "), (where, policy)
    assert "unsafe" not in policy, (where, policy)  # no 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes'
    assert policy.endswith("frame-ancestors 'none'"), (where, policy)
    staff = where.split(" ")[1].startswith(STAFF_AREAS)
    assert ("form-action 'self'" if staff else "form-action 'none'") in policy, (where, policy)


@pytest.mark.parametrize("fristad", [WHOLE], indirect=True)
async def test_every_route_answers_every_role_as_the_table_says_and_is_locked_down(
    fristad: Client, redis: Redis, browser: Browser
) -> None:
    # A route added to the app without a line in ROUTES (or a line left for a route
    # that is gone) fails here: decide who may use it, then add it.
    assert routes_of(fristad) == set(ROUTES), (
        f"routes without an entry: {sorted(routes_of(fristad) - set(ROUTES))}; "
        f"entries without a route: {sorted(set(ROUTES) - routes_of(fristad))}"
    )
    waiting, claimed = await waiting_and_claimed_case(fristad, browser)
    world = World(fristad, {"waiting": waiting, "claimed": claimed})
    for number, role in enumerate(ROLES):
        world.browsers[role] = await browser(f"10.1.0.{number}", ACCOUNT_OF.get(role))
        page = await (await world.browsers[role].get("/console")).text()
        world.tokens[role] = csrf_of(page) if role != "nobody" else "no session, so no token"
    assert (await publish(world.browsers["admin"])).status == 303  # version 1, to roll back to
    logout = ("POST", "/console/logout")
    got: dict[tuple[str, str, int, str], Outcome] = {}
    expected: dict[tuple[str, str, int, str], Outcome] = {}
    for route in sorted(ROUTES, key=lambda r: r == logout):
        for number, (send, answers) in enumerate(ROUTES[route]):
            assert set(answers) == set(ROLES), route
            for role in ROLES:
                got[(*route, number, role)] = await send(world, role)
                expected[(*route, number, role)] = answers[role]
    wrong = {where: (got[where], should) for where, should in expected.items() if got[where] != should}
    assert not wrong, "\n".join(f"{w}: got {g!r}, expected {e!r}" for w, (g, e) in sorted(wrong.items()))
    for where, response in world.responses:
        assert_locked_down(where, response)
        if response.content_type == "text/html" and response.method == "GET":
            html = await response.text()
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert "src=" in tag or 'type="application/json"' in tag, (where, tag)  # no inline script
    # Every view of a conversation is audited, and only views: the case page (GET and
    # HEAD) and the live socket, by those who were shown the case.
    entries = await fristad.app[CONSOLE].audit.latest(1000)
    assert {e["who"] for e in entries if e["action"] == "view"} == {"sara", "omar", "aino"}
    assert {e["who"] for e in entries if e["action"] == "view-live"} == {"sara", "aino"}
    assert all(not e["case"] or e["case"] in (waiting, claimed) for e in entries)


SPELLINGS = (
    "/admin/static/../audit",
    "/admin/static/%2e%2e/audit",
    "/admin/static%2f..%2faudit",
    "/console/static/..%2f..%2fconsole",
    "/admin%2faudit",
    "/%61dmin/audit",
    "/admin//audit",
    "/admin/audit/",
    "/admin/audit;x",
    "/ADMIN/audit",
)


async def test_no_spelling_of_a_staff_path_skips_the_login_or_the_admin_check(
    fristad: Client, browser: Browser
) -> None:
    """The login check and the router read the same decoded, normalised path: no
    encoding, dot segment or doubled slash gets past the check to a staff page (nor
    through the public static folders), logged out or as a caseworker."""
    sara = await browser("192.0.2.90", "sara")
    for path in SPELLINGS:
        response = await fristad.get(URL(path, encoded=True), allow_redirects=False)
        assert response.status in (303, 404), (path, response.status)
        assert response.status == 404 or response.headers["Location"] == "/console/login", path
        assert "<h1>Logg</h1>" not in await response.text()
        as_caseworker = await sara.get(URL(path, encoded=True), allow_redirects=False)
        assert as_caseworker.status in (303, 403, 404), (path, as_caseworker.status)
        assert "<h1>Logg</h1>" not in await as_caseworker.text()

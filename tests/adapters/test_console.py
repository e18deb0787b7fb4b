"""The caseworker console through the aiohttp test client, against a real Redis: login,
sessions, CSRF, throttling, roles and audit (SAFETY rules 12-15), and a whole case from
the help-seeker's question to the caseworker's goodbye."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.adapters.accounts import LOCK_AFTER_FAILURES, AccountLocked, Accounts, LoginGuard, Sessions
from bot.adapters.audit import AuditLog
from bot.adapters.console import CONSOLE
from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.conftest import key_env

Client = TestClient[Any, Any]
PASSWORD = "correct horse battery"


@pytest.fixture
async def client(
    redis_server: RedisServerProcess, redis: Redis, shipped_content: Content, tmp_path: Path
) -> AsyncIterator[Client]:
    settings = Settings.from_env(
        {
            **key_env(),
            "REDIS_URL": redis_server.url,
            "FRISTAD_DATA_DIR": str(tmp_path),
            "FRISTAD_TEAMS_FILE": str(Path(__file__).parents[2] / "config" / "teams.yaml"),
            "FRISTAD_FRAME_ANCESTORS": "https://www.taby.se",
        }
    )
    client: Client = TestClient(TestServer(init_app(settings, shipped_content)))
    await client.start_server()
    accounts = Accounts(redis)
    await accounts.add("sara", PASSWORD, "caseworker", ("support",))
    await accounts.add("omar", PASSWORD, "caseworker", ("support",))
    await accounts.add("aino", PASSWORD, "supervisor", ("support",))
    await accounts.add("ali", PASSWORD, "caseworker", ("atv",))
    yield client
    await client.close()


async def log_in(client: Client, name: str, password: str = PASSWORD) -> Any:
    form = await (await client.get("/console/login")).text()
    token = re.search(r'id="login-csrf" name="csrf" value="([^"]+)"', form)
    assert token is not None
    data = {"name": name, "password": password, "csrf": token.group(1)}
    return await client.post("/console/login", data=data, allow_redirects=False)


async def staff(client: Client, name: str) -> TestClient[Any, Any]:
    """A second browser for another caseworker: its own cookie jar."""
    other: Client = TestClient(client.server)
    await other.start_server()
    response = await log_in(other, name)
    assert response.status == 303
    return other


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


async def help_seeker_asks_for_a_person(client: Client) -> str:
    started = await (await client.post("/api/v1/conversations", json={"language": "sv"})).json()
    token = started["token"]
    response = await client.post("/api/v1/messages", json={"token": token, "choice": "global:person"})
    assert response.status == 200
    return str(token)


async def first_case(caseworker: TestClient[Any, Any]) -> tuple[str, str]:
    """The caseworker's queue page, and the code of the first support case on it."""
    queue = await (await caseworker.get("/console")).text()
    found = re.search(r"/console/cases/support/([A-Z2-7]{8})", queue)
    assert found is not None
    return queue, found.group(1)


async def claim_first_case(caseworker: TestClient[Any, Any]) -> tuple[str, str]:
    queue, code = await first_case(caseworker)
    await caseworker.post(f"/console/cases/support/{code}/claim", data={"csrf": csrf_of(queue)})
    return queue, code


async def test_login_gives_a_strict_cookie_with_a_new_session_id(client: Client) -> None:
    assert (await client.get("/console", allow_redirects=False)).headers["Location"] == "/console/login"
    response = await log_in(client, "sara")
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Path=/;" in cookie or cookie.endswith("Path=/")
    first = response.cookies["fristad_staff"].value
    assert len(first) >= 43  # 256 bits
    again = await log_in(client, "sara")
    assert again.status == 303, await again.text()
    second = again.cookies["fristad_staff"].value
    assert second != first
    sessions = client.app[CONSOLE].sessions
    assert await sessions.get(first) is None  # the old session ended with the new login
    assert (await sessions.get(second)) is not None


async def test_passwords_are_stored_as_argon2id_hashes(client: Client, redis: Redis) -> None:
    stored = await redis.hget("fristad:account:sara", "hash")
    assert stored is not None
    assert stored.startswith(b"$argon2id$")
    assert PASSWORD.encode() not in b"".join(await redis.hvals("fristad:account:sara"))


async def test_a_wrong_password_is_refused_and_audited(client: Client) -> None:
    response = await log_in(client, "sara", "wrong password here")
    assert response.status == 401
    assert "Fel namn eller lösenord." in await response.text()
    assert "fristad_staff" not in response.cookies
    entries = await client.app[CONSOLE].audit.latest()
    assert {"who": "sara", "action": "login-failed"}.items() <= entries[0].items()


async def test_failures_slow_down_and_then_lock_the_account(redis: Redis) -> None:
    guard = LoginGuard(redis)
    attempts = [await guard.attempt("sara", "address-hash") for _ in range(LOCK_AFTER_FAILURES)]
    delays = [guard.delay(a) for a in attempts]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:6] == [0.5, 1.0, 2.0]  # then twice as long each time
    assert max(delays) <= 8.0
    with pytest.raises(AccountLocked):
        await guard.attempt("sara", "another-address")  # the account is locked, from anywhere


async def test_attempts_made_at_the_same_moment_cannot_pass_the_limit(redis: Redis) -> None:
    guard = LoginGuard(redis)
    results = await asyncio.gather(
        *(guard.attempt("omar", f"address-{i}") for i in range(60)), return_exceptions=True
    )
    assert sum(1 for r in results if isinstance(r, int)) == LOCK_AFTER_FAILURES


async def test_a_right_password_does_not_count_as_a_failure(redis: Redis) -> None:
    guard = LoginGuard(redis)
    for _ in range(LOCK_AFTER_FAILURES + 5):
        await guard.attempt("sara", "office")
        await guard.succeeded("sara", "office")
    assert await guard.attempt("sara", "office") == 1


async def test_a_locked_account_cannot_log_in(client: Client, redis: Redis) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        await LoginGuard(redis).attempt("sara", "somewhere")
    response = await log_in(client, "sara")
    assert response.status == 429
    assert "fristad_staff" not in response.cookies


async def test_sessions_end_when_idle_and_after_their_lifetime(redis: Redis) -> None:
    accounts = Accounts(redis)
    account = await accounts.add("sara", PASSWORD, "caseworker", ("support",))
    idle = Sessions(redis, accounts, idle_seconds=1)
    session = await idle.start(account)
    assert await idle.get(session.id) is not None
    await asyncio.sleep(1.2)
    assert await idle.get(session.id) is None
    short = Sessions(redis, accounts, absolute_seconds=1)
    session = await short.start(account)
    for _ in range(3):  # used all the time, and still it ends
        await asyncio.sleep(0.4)
        alive = await short.get(session.id)
    assert alive is None
    # Redis holds only a hash of the id.
    assert not [k async for k in redis.scan_iter(match=f"*{session.id}*")]


async def test_a_post_without_the_csrf_token_or_from_another_site_is_refused(client: Client) -> None:
    token = await help_seeker_asks_for_a_person(client)
    await log_in(client, "sara")
    page = await (await client.get("/console")).text()
    code = re.search(r"/console/cases/support/([A-Z2-7]{8})", page)
    assert code is not None
    action = f"/console/cases/support/{code.group(1)}/claim"
    assert (await client.post(action, data={}, allow_redirects=False)).status == 403
    assert (await client.post(action, data={"csrf": "forged"}, allow_redirects=False)).status == 403
    cross = await client.post(
        action, data={"csrf": csrf_of(page)}, headers={"Sec-Fetch-Site": "cross-site"}, allow_redirects=False
    )
    assert cross.status == 403
    ok = await client.post(action, data={"csrf": csrf_of(page)}, allow_redirects=False)
    assert ok.status == 303
    assert token


async def test_a_whole_case_from_question_to_goodbye(client: Client) -> None:
    token = await help_seeker_asks_for_a_person(client)
    person = await client.ws_connect("/api/v1/events")
    await person.send_json({"type": "hello", "token": token})
    assert (await person.receive_json(timeout=5))["type"] == "ready"

    sara = await staff(client, "sara")
    queue, code = await first_case(sara)
    csrf = csrf_of(queue)
    base = f"/console/cases/support/{code}"
    assert (await sara.post(f"{base}/claim", data={"csrf": csrf}, allow_redirects=False)).status == 303
    assert (await person.receive_json(timeout=5))["reply"]["text"].startswith("Nu skriver du med en person")

    await client.post("/api/v1/messages", json={"token": token, "text": "Jag är rädd för min man"})
    case_page = await (await sara.get(base)).text()
    assert "Jag är rädd för min man" in case_page
    assert 'lang="sv" dir="ltr"' in case_page
    assert "Är du på en säker plats just nu?" in case_page  # a ready-made reply in the person's language

    await sara.post(f"{base}/reply", data={"csrf": csrf, "text": "Du gör rätt som skriver. Är du säker nu?"})
    assert (await person.receive_json(timeout=5))["reply"][
        "text"
    ] == "Du gör rätt som skriver. Är du säker nu?"

    omar = await staff(client, "omar")
    refused = await omar.post(
        f"{base}/reply", data={"csrf": csrf_of(await (await omar.get("/console")).text()), "text": "x"}
    )
    assert refused.status in (404, 409)  # not his case: he cannot even see it

    assert (await sara.post(f"{base}/end", data={"csrf": csrf}, allow_redirects=False)).status == 303
    goodbye = (await person.receive_json(timeout=5))["reply"]
    assert goodbye["text"].startswith("Relationsvåldsteamet har avslutat samtalet.")
    assert (await sara.post(f"{base}/reply", data={"csrf": csrf, "text": "x"})).status == 409
    actions = [e["action"] for e in reversed(await client.app[CONSOLE].audit.latest()) if e["who"] == "sara"]
    assert actions == ["login", "claim", "view", "reply", "view", "end"]  # every view, also after a reply
    for entry in await client.app[CONSOLE].audit.latest():
        assert "rädd" not in str(entry)
        assert "säker" not in str(entry)
    for other in (person, sara, omar):
        await other.close()


async def test_the_console_shows_an_arabic_conversation_right_to_left(client: Client) -> None:
    started = await (await client.post("/api/v1/conversations", json={"language": "ar"})).json()
    await client.post("/api/v1/messages", json={"token": started["token"], "choice": "global:person"})
    await client.post("/api/v1/messages", json={"token": started["token"], "text": "مرحبا، أحتاج مساعدة"})
    sara = await staff(client, "sara")
    _, code = await claim_first_case(sara)
    page = await (await sara.get(f"/console/cases/support/{code}")).text()
    assert 'class="said user" lang="ar" dir="rtl"' in page
    assert "مرحبا، أحتاج مساعدة" in page
    assert 'id="reply-text" name="text" rows="4" lang="ar" dir="rtl"' in page
    await sara.close()


async def test_roles_decide_who_sees_which_case(client: Client) -> None:
    await help_seeker_asks_for_a_person(client)
    sara, aino, ali = [await staff(client, name) for name in ("sara", "aino", "ali")]
    _, code = await claim_first_case(sara)
    # A caseworker of another team sees neither the queue nor the case.
    assert code not in await (await ali.get("/console")).text()
    assert (await ali.get(f"/console/cases/support/{code}")).status == 404
    # A supervisor of the team sees the claimed case; another caseworker does not.
    assert (await aino.get(f"/console/cases/support/{code}")).status == 200
    omar = await staff(client, "omar")
    assert (await omar.get(f"/console/cases/support/{code}")).status == 404
    # Only the supervisor may give someone else's case back, to reassign it.
    omar_csrf = csrf_of(await (await omar.get("/console")).text())
    assert (await omar.post(f"/console/cases/support/{code}/release", data={"csrf": omar_csrf})).status == 409
    aino_page = await (await aino.get(f"/console/cases/support/{code}")).text()
    assert "Som arbetsledare kan du fördela om det." in aino_page
    released = await aino.post(
        f"/console/cases/support/{code}/release", data={"csrf": csrf_of(aino_page)}, allow_redirects=False
    )
    assert released.status == 303
    assert f"/console/cases/support/{code}/claim" in await (await omar.get("/console")).text()
    for other in (sara, aino, ali, omar):
        await other.close()


async def test_live_case_page_shows_new_messages_and_keeps_the_claim(client: Client) -> None:
    token = await help_seeker_asks_for_a_person(client)
    sara = await staff(client, "sara")
    _, code = await claim_first_case(sara)
    ws = await sara.ws_connect(f"/console/events?team=support&code={code}")
    await asyncio.sleep(0.3)
    await client.post("/api/v1/messages", json={"token": token, "text": "Är du kvar?"})
    seen = []
    while "Är du kvar?" not in seen:
        message = await ws.receive_json(timeout=5)
        seen.append(message.get("text"))
    await client.post("/api/v1/exit", json={"token": token})  # quick exit in the middle of the case
    while (message := await ws.receive(timeout=5)).type == WSMsgType.TEXT:
        if message.json()["type"] == "ended":
            break
    else:
        pytest.fail("the console was not told the case ended")
    await ws.close()
    await sara.close()


async def test_staff_pages_can_never_be_framed(client: Client) -> None:
    for path in ("/console/login", "/"):
        policy = (await client.get(path)).headers["Content-Security-Policy"]
        expected = "'none'" if path.startswith("/console") else "https://www.taby.se"
        assert policy.endswith(f"frame-ancestors {expected}")


async def test_audit_keeps_who_and_what_but_no_content(redis: Redis) -> None:
    audit = AuditLog(redis)
    await audit.record("sara", "view", "support", "ABCDEFGH")
    (entry,) = await audit.latest()
    assert {k: entry[k] for k in ("who", "action", "team", "case")} == {
        "who": "sara",
        "action": "view",
        "team": "support",
        "case": "ABCDEFGH",
    }


async def test_bad_forms_get_a_reason_not_an_error(client: Client) -> None:
    await log_in(client, "sara")
    broken = await client.post(
        "/console/logout",
        data=b"--x\r\nContent-Disposition: form-data; name=csrf\r\n\r\n\xff\xfe",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert broken.status in (400, 403)
    no_token = await client.post(
        "/console/login", data={"name": "sara", "password": PASSWORD}, allow_redirects=False
    )
    assert no_token.status == 403  # the login form has its own CSRF token


async def test_an_empty_reply_is_refused_and_not_audited(client: Client) -> None:
    await help_seeker_asks_for_a_person(client)
    sara = await staff(client, "sara")
    queue, code = await claim_first_case(sara)
    empty = await sara.post(
        f"/console/cases/support/{code}/reply", data={"csrf": csrf_of(queue), "text": "  "}
    )
    assert empty.status == 400
    assert "reply" not in [e["action"] for e in await client.app[CONSOLE].audit.latest()]
    await sara.close()


@pytest.mark.parametrize(
    ("action", "form", "reason"),
    [
        ("transfer", {"to": "nowhere"}, "Välj ett annat team i listan."),
        ("transfer", {"to": "support"}, "Välj ett annat team i listan."),
        ("outcome", {"outcome": "solved it all"}, "Välj ett utfall i listan."),
    ],
)
async def test_a_choice_not_in_the_list_is_refused_with_a_reason_and_the_case_stays(
    client: Client, action: str, form: dict[str, str], reason: str
) -> None:
    await help_seeker_asks_for_a_person(client)
    sara = await staff(client, "sara")
    queue, code = await claim_first_case(sara)
    refused = await sara.post(
        f"/console/cases/support/{code}/{action}", data={"csrf": csrf_of(queue), **form}
    )
    assert refused.status == 400
    assert reason in await refused.text()
    case = await client.app[CONSOLE].queue.case("support", code)
    assert case is not None
    assert (case.status, case.owner) == ("claimed", "sara")
    await sara.close()


async def test_an_admin_sees_conversations_only_of_teams_they_belong_to(client: Client, redis: Redis) -> None:
    await Accounts(redis).add("root", PASSWORD, "admin", ())
    await help_seeker_asks_for_a_person(client)
    admin = await staff(client, "root")
    page = await (await admin.get("/console")).text()
    assert "/console/cases/" not in page
    await admin.close()


async def test_an_open_case_socket_stops_at_logout(client: Client) -> None:
    token = await help_seeker_asks_for_a_person(client)
    omar = await staff(client, "omar")
    queue, code = await first_case(omar)
    ws = await omar.ws_connect(f"/console/events?team=support&code={code}")
    await ws.receive_json(timeout=5)  # the live page is up
    await omar.post("/console/logout", data={"csrf": csrf_of(queue)})
    await client.post("/api/v1/messages", json={"token": token, "text": "Bara för handläggaren"})
    while (message := await ws.receive(timeout=10)).type == WSMsgType.TEXT:
        assert "Bara för handläggaren" not in message.data
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)
    await omar.close()


async def test_an_open_queue_socket_from_another_site_is_refused(client: Client) -> None:
    sara = await staff(client, "sara")
    with pytest.raises(Exception, match="403"):
        await sara.ws_connect("/console/events", headers={"Origin": "https://evil.example"})
    await sara.close()

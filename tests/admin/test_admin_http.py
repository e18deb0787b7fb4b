"""The admin pages through the aiohttp test client, against a real Redis: roles, the
draft, checks, publishing, rolling back, what a conversation in progress sees, the
audit log and the answers to bad input."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis

from bot.adapters.accounts import Accounts
from bot.adapters.admin import routes as admin_routes
from bot.adapters.content_files import Content
from bot.adapters.content_versions import ContentVersions
from bot.app.web import init_app
from tests.admin.conftest import PASSWORD, Client, admin_settings, csrf_of, leave, logged_in
from tests.conftest import start_redis

NEW_WELCOME = "Välkommen till den nya chatten. Du behöver inte säga vem du är."


async def draft_revision(admin: Client, page: str = "/admin") -> tuple[str, int]:
    html = await (await admin.get(page)).text()
    revision = re.search(r'name="revision" value="(\d+)"|data-revision="(\d+)"', html)
    assert revision is not None
    return csrf_of(html), int(revision.group(1) or revision.group(2))


async def post_json(client: Client, url: str, body: Any, csrf: str) -> Any:
    return await client.post(url, json=body, headers={"X-CSRF-Token": csrf})


async def save_texts(admin: Client, language: str, messages: dict[str, str]) -> Any:
    csrf, revision = await draft_revision(admin, f"/admin/texts/{language}")
    return await post_json(
        admin, f"/admin/api/texts/{language}", {"messages": messages, "revision": revision}, csrf
    )


async def publish(admin: Client, note: str = "") -> Any:
    csrf, revision = await draft_revision(admin)
    return await admin.post(
        "/admin/publish", data={"csrf": csrf, "revision": revision, "note": note}, allow_redirects=False
    )


async def web_chat_first_reply(client: Client) -> str:
    started = await (await client.post("/api/v1/conversations", json={"language": "sv"})).json()
    return str(started["replies"][0]["text"])


# --- Who may ---


async def test_every_admin_route_refuses_caseworkers_supervisors_and_strangers(server: TestServer) -> None:
    paths = []
    for route in admin_routes.routes:
        if not isinstance(route, admin_routes.web.RouteDef):
            continue
        path = re.sub(r"\{number[^}]*\}", "1", route.path)
        path = path.replace("{file}", "main.yaml").replace("{language}", "sv")
        paths.append((route.method, path))
    assert len(paths) >= 14
    for name in ("sara", "aino"):
        client = await logged_in(server, name)
        csrf = csrf_of(await (await client.get("/console")).text())
        for method, path in paths:
            if method == "GET":
                response = await client.get(path, allow_redirects=False)
            elif "/api/" in path:
                response = await post_json(client, path, {}, csrf)
            else:
                response = await client.post(path, data={"csrf": csrf}, allow_redirects=False)
            assert response.status == 403, (name, method, path, response.status)
        await leave(client)
    stranger: Client = TestClient(server)
    await stranger.start_server()
    for method, path in paths:
        response = await stranger.request(method, path, allow_redirects=False)
        if "/api/" in path:
            assert response.status == 401, (method, path, response.status)
        else:
            assert (response.status, response.headers.get("Location")) == (303, "/console/login"), path
    await leave(stranger)


async def test_admin_pages_send_the_strict_staff_policy(admin: Client) -> None:
    response = await admin.get("/admin")
    assert response.status == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy


# --- Texts, publish, roll back ---


async def test_a_published_text_is_what_the_next_conversation_gets(admin: Client) -> None:
    shipped = await web_chat_first_reply(admin)
    assert (await save_texts(admin, "sv", {"welcome": NEW_WELCOME})).status == 200
    assert await web_chat_first_reply(admin) == shipped  # a draft is not shown to anyone
    overview = await (await admin.get("/admin")).text()
    assert "locales/sv/main.ftl" in overview  # listed as changed
    response = await publish(admin, "ny välkomsttext")
    assert (response.status, response.headers["Location"]) == (303, "/admin?published=1")
    assert await web_chat_first_reply(admin) == NEW_WELCOME
    assert "Version 1 är nu aktuell" in await (await admin.get("/admin?published=1")).text()


async def test_a_changed_swedish_text_shows_its_translations_as_outdated(admin: Client) -> None:
    await save_texts(admin, "sv", {"welcome": NEW_WELCOME})
    overview = await (await admin.get("/admin")).text()
    for language in ("en", "ar", "fa", "fi", "uk", "pl"):
        row = re.search(rf'<tr data-language="{language}">(.*?)</tr>', overview, re.S)
        assert row is not None
        assert re.findall(r"<td[^>]*>(\d+)</td>", row.group(1))[1:] == ["0", "1"], (
            language
        )  # missing, outdated
    texts = await (await admin.get("/admin/texts/en")).text()
    assert re.search(r'data-id="welcome" data-status="outdated"', texts)
    assert (await save_texts(admin, "en", {"welcome": "Welcome to the new chat."})).status == 200
    texts = await (await admin.get("/admin/texts/en")).text()
    assert re.search(r'data-id="welcome" data-status="ok"', texts)


async def test_rolling_back_brings_the_earlier_text_back_in_one_action(admin: Client, redis: Redis) -> None:
    await save_texts(admin, "sv", {"welcome": NEW_WELCOME})
    await publish(admin)
    await save_texts(admin, "sv", {"welcome": "Version två."})
    await publish(admin)
    assert await web_chat_first_reply(admin) == "Version två."
    csrf = csrf_of(await (await admin.get("/admin")).text())
    response = await admin.post("/admin/versions/1/rollback", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    assert await web_chat_first_reply(admin) == NEW_WELCOME
    assert await ContentVersions(redis).current() == 1
    assert 'id="stale"' in await (await admin.get("/admin")).text()  # the draft is version 2's
    history = await ContentVersions(redis).history()
    assert [(h.version, h.action, h.by) for h in history] == [
        (1, "rollback", "anna"),
        (2, "publish", "anna"),
        (1, "publish", "anna"),
    ]


async def test_publishing_is_refused_while_a_language_is_incomplete(admin: Client, redis: Redis) -> None:
    # A new Swedish message without its translations: every other language is incomplete.
    flow_page = await (await admin.get("/admin/flows/main.yaml")).text()
    text = _textarea(flow_page).replace(
        "say: [welcome, safety-question]", "say: [welcome, brand-new, safety-question]"
    )
    csrf, revision = await draft_revision(admin, "/admin/flows/main.yaml")
    saved = await post_json(admin, "/admin/api/flows/main.yaml", {"text": text, "revision": revision}, csrf)
    assert saved.status == 200
    await save_texts(admin, "sv", {"brand-new": "En ny mening."})
    response = await publish(admin)
    assert response.status == 409
    body = await response.text()
    assert "Publiceringen stoppades" in body
    assert "brand-new: missing" in body
    assert await ContentVersions(redis).current() is None


async def test_a_flow_with_a_broken_transition_is_refused_with_its_line(admin: Client, redis: Redis) -> None:
    flow_page = await (await admin.get("/admin/flows/main.yaml")).text()
    text = _textarea(flow_page).replace("goto: not_safe", "goto: nowhere", 1)
    csrf, revision = await draft_revision(admin, "/admin/flows/main.yaml")
    check = await (await post_json(admin, "/admin/api/flows/main.yaml/check", {"text": text}, csrf)).json()
    [problem] = [p for p in check["problems"] if "nowhere" in p["message"]]
    assert text.split("\n")[problem["line"] - 1].strip() == "goto: nowhere"
    assert check["diagram"].startswith("<svg")
    await post_json(admin, "/admin/api/flows/main.yaml", {"text": text, "revision": revision}, csrf)
    response = await publish(admin)
    assert response.status == 409
    assert "nowhere" in await response.text()
    assert await ContentVersions(redis).current() is None  # nothing was published


async def test_a_yaml_syntax_error_is_shown_at_its_line_and_leaves_no_diagram(admin: Client) -> None:
    csrf, _ = await draft_revision(admin, "/admin/flows/main.yaml")
    check = await (
        await post_json(admin, "/admin/api/flows/main.yaml/check", {"text": "id: main\nstates: [\n"}, csrf)
    ).json()
    assert check["problems"][0]["message"].startswith("YAML syntax error")
    assert check["problems"][0]["line"] == 3
    assert check["diagram"] is None


async def test_fluent_mistakes_are_named_as_they_are_typed(admin: Client) -> None:
    csrf, _ = await draft_revision(admin, "/admin/texts/en")

    async def problem(text: str, message_id: str = "engine-too-long") -> Any:
        body = {"id": message_id, "text": text}
        return (await (await post_json(admin, "/admin/api/texts/en/check", body, csrf)).json())["problem"]

    assert await problem("Too long, sorry.") is None
    assert "Fluent" in await problem("Too long { $count")
    assert "variablerna" in await problem("Too long, call { $emergency }.")
    assert await problem("") is not None
    assert "svenska" in await problem("Hello", "no-such-message")
    refused = await save_texts(admin, "en", {"engine-too-long": "Too long { $count"})
    assert refused.status == 400
    assert (await refused.json())["id"] == "engine-too-long"


async def test_two_admins_saving_one_draft_do_not_overwrite_each_other(
    admin: Client, server: TestServer
) -> None:
    csrf, revision = await draft_revision(admin, "/admin/texts/sv")
    first = await post_json(
        admin, "/admin/api/texts/sv", {"messages": {"welcome": "A"}, "revision": revision}, csrf
    )
    assert first.status == 200
    late = await post_json(
        admin, "/admin/api/texts/sv", {"messages": {"welcome": "B"}, "revision": revision}, csrf
    )
    assert late.status == 409
    assert "reload" in (await late.json())["error"]


# --- A conversation in progress ---


async def test_a_conversation_whose_state_a_publish_removed_starts_over_and_is_told(admin: Client) -> None:
    started = await (await admin.post("/api/v1/conversations", json={"language": "sv"})).json()
    token = started["token"]
    reply = await admin.post("/api/v1/messages", json={"token": token, "choice": "safe"})
    assert reply.status == 200  # now in the state "safe"
    flow_page = await (await admin.get("/admin/flows/main.yaml")).text()
    text = (
        _textarea(flow_page)
        .replace("goto: safe\n", "goto: safe_now\n")
        .replace("\n  safe:\n", "\n  safe_now:\n")
    )
    csrf, revision = await draft_revision(admin, "/admin/flows/main.yaml")
    assert (
        await post_json(admin, "/admin/api/flows/main.yaml", {"text": text, "revision": revision}, csrf)
    ).status == 200
    assert (await publish(admin)).status == 303
    after = await (await admin.post("/api/v1/messages", json={"token": token, "choice": "continue"})).json()
    texts = [r["text"] for r in after["replies"]]
    assert texts[0].startswith("Chatten har uppdaterats")
    assert any("säkert" in t for t in texts)  # the safety question again: the start


# --- Preview ---


async def test_the_preview_talks_with_the_draft_and_keeps_nothing(admin: Client, redis: Redis) -> None:
    await save_texts(admin, "sv", {"welcome": NEW_WELCOME})
    csrf, _ = await draft_revision(admin)
    keys_before = set([key async for key in redis.scan_iter(match="*")])
    first = await (await post_json(admin, "/admin/api/preview", {"language": "sv"}, csrf)).json()
    assert first["replies"][0]["text"] == NEW_WELCOME
    assert first["state"] == "welcome"
    second = await (
        await post_json(
            admin,
            "/admin/api/preview",
            {"language": "sv", "conversation": first["conversation"], "choice": "safe"},
            csrf,
        )
    ).json()
    assert second["state"] == "safe"
    person = await (
        await post_json(
            admin,
            "/admin/api/preview",
            {"language": "en", "conversation": second["conversation"], "choice": "global:person"},
            csrf,
        )
    ).json()
    assert person["handoff"] == "support"
    assert set([key async for key in redis.scan_iter(match="*")]) == keys_before  # no conversation, no queue


async def test_bad_preview_input_gets_a_reason(admin: Client) -> None:
    csrf, _ = await draft_revision(admin)
    for body in ({"language": "xx"}, {"conversation": "nope"}, {"conversation": {"state": 1}}, {"text": 5}):
        response = await post_json(admin, "/admin/api/preview", body, csrf)
        assert response.status == 400, body
        assert (await response.json())["error"]


# --- Bad input and the audit log ---


async def test_bad_requests_get_a_4xx_with_a_reason(admin: Client) -> None:
    csrf, revision = await draft_revision(admin)
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    not_json = await admin.post("/admin/api/texts/sv", data=b"{nope", headers=headers)
    assert (not_json.status, not_json.reason) == (400, "the body is not JSON")
    too_big = await admin.post(
        "/admin/api/flows/main.yaml/check", data=io.BytesIO(b" " * (3 * 1024 * 1024)), headers=headers
    )
    assert too_big.status == 413
    wrong_types = await post_json(admin, "/admin/api/flows/main.yaml", {"text": 1, "revision": "x"}, csrf)
    assert wrong_types.status == 400
    bad_name = await post_json(
        admin, "/admin/api/flows/..%2Fx.yaml", {"text": "", "revision": revision}, csrf
    )
    assert bad_name.status in (400, 404)
    no_token = await admin.post(
        "/admin/api/texts/sv", json={"messages": {"welcome": "x"}, "revision": revision}
    )
    assert no_token.status == 403
    missing_flow = await admin.get("/admin/flows/none.yaml")
    assert missing_flow.status == 404
    missing_version = await admin.post("/admin/versions/99/rollback", data={"csrf": csrf})
    assert missing_version.status == 404
    period = await admin.get("/admin/statistics?from=2026-13-01")
    assert period.status == 400
    too_long = await admin.get("/admin/statistics.csv?from=2024-01-01&to=2026-01-01")
    assert too_long.status == 400
    for query in ("to=0001-01-01", "from=2020-01-01&to=0001-01-05", "from=2026-02-01&to=2026-01-01"):
        assert (await admin.get(f"/admin/statistics.csv?{query}")).status == 400, query
    a_boolean = await post_json(
        admin, "/admin/api/texts/sv", {"messages": {"welcome": "x"}, "revision": True}, csrf
    )
    assert a_boolean.status == 400
    for language in ("sv%0A", "qq"):  # not a language code; a language the draft does not have
        body = {"messages": {"welcome": "x"}, "revision": revision}
        response = await post_json(admin, f"/admin/api/texts/{language}", body, csrf)
        assert response.status in (400, 404), language
        assert (await response.json())["error"]
    assert (await admin.get("/admin")).status == 200  # and the draft is still whole


async def test_a_start_state_that_does_not_exist_is_a_problem_not_an_error(admin: Client) -> None:
    flow_page = await (await admin.get("/admin/flows/main.yaml")).text()
    text = _textarea(flow_page).replace("start: welcome", "start: nowhere", 1)
    csrf, _ = await draft_revision(admin, "/admin/flows/main.yaml")
    response = await post_json(admin, "/admin/api/flows/main.yaml/check", {"text": text}, csrf)
    assert response.status == 200
    check = await response.json()
    assert any(p["where"] == "start" and "nowhere" in p["message"] for p in check["problems"])
    assert check["diagram"].startswith("<svg")


async def test_the_audit_log_names_who_published_and_rolled_back(admin: Client) -> None:
    await save_texts(admin, "sv", {"welcome": NEW_WELCOME})
    await publish(admin)
    csrf = csrf_of(await (await admin.get("/admin")).text())
    await admin.post("/admin/versions/1/rollback", data={"csrf": csrf})
    audit = await (await admin.get("/admin/audit")).text()
    for action, what in (
        ("draft-edit", "locales/sv"),
        ("content-publish", "version 1"),
        ("content-rollback", "version 1"),
    ):
        assert re.search(rf"<td>anna</td><td>{action}</td><td></td><td></td><td>{what}", audit), action
    assert NEW_WELCOME not in audit


def _textarea(page: str) -> str:
    match = re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', page, re.S)
    assert match is not None
    return html.unescape(match.group(1))


# --- Statistics ---


async def test_statistics_count_scripted_conversations_and_download_as_csv(admin: Client) -> None:
    script = (("sv", "utsatt", False), ("sv", "orolig", False), ("en", "exposed", True))
    for language, who_i_am, wants_a_person in script:
        started = await (await admin.post("/api/v1/conversations", json={"language": language})).json()
        token = started["token"]
        for body in ({"choice": "safe"}, {"choice": "continue"}, {"text": who_i_am}):
            assert (await admin.post("/api/v1/messages", json={"token": token, **body})).status == 200
        if wants_a_person:
            await admin.post("/api/v1/messages", json={"token": token, "choice": "global:person"})
    today = datetime.now(UTC).date().isoformat()
    response = await admin.get("/admin/statistics.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = set((await response.text()).splitlines())
    assert "day,measure,value,count" in rows
    for row in (
        "started-by-channel,web,3",
        "started-by-language,sv,2",
        "started-by-language,en,1",
        "role,exposed,2",
        "role,worried,1",
        "handoffs-by-team,support,1",
    ):
        assert f"{today},{row}" in rows, row
    page = await (await admin.get("/admin/statistics")).text()
    assert page.count("<svg") == 7  # conversations per day and six breakdowns
    assert "Samtal per kanal" in page


async def test_redis_down_gives_staff_pages_a_503_and_a_way_back(
    shipped_content: Content, tmp_path: Path
) -> None:
    own = start_redis(tmp_path / "redis")
    server = TestServer(init_app(admin_settings(own, tmp_path), shipped_content))
    await server.start_server()
    try:
        client = Redis.from_url(own.url)
        await Accounts(client).add("anna", PASSWORD, "admin", ())
        await client.aclose()
        admin = await logged_in(server, "anna")
        csrf, _ = await draft_revision(admin)
        own.stop()
        page = await admin.get("/admin")
        assert page.status == 503
        assert "Försök igen om en stund" in await page.text()
        api = await post_json(admin, "/admin/api/preview", {"language": "sv"}, csrf)
        assert api.status == 503
        assert "try again" in (await api.json())["error"]
        assert (await admin.get("/console")).status == 503
        await leave(admin)
    finally:
        await server.close()
        own.stop()


async def test_a_new_draft_is_shown_as_unchanged(admin: Client) -> None:
    overview = await (await admin.get("/admin")).text()
    assert "Utkastet är detsamma som det som visas nu." in overview


async def test_the_console_links_to_the_admin_pages_for_admins_only(
    admin: Client, server: TestServer
) -> None:
    assert 'href="/admin"' in await (await admin.get("/console")).text()
    sara = await logged_in(server, "sara")
    assert 'href="/admin"' not in await (await sara.get("/console")).text()
    await leave(sara)

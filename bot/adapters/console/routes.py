"""The caseworker console at /console: log in, see the queues, take a case, talk.

Server-rendered pages with plain forms (each action a POST with the session's CSRF
token, answered by a redirect), and a WebSocket that keeps the queue and the open case
live and renews the claim while the page is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.adapters.accounts import ACCOUNT_NAME, AccountLocked, Session
from bot.adapters.client_address import hashed_client_address
from bot.adapters.console.context import CONSOLE, SESSION, Console, session_of
from bot.adapters.draining import stopping, track
from bot.adapters.web_chat.headers import STAFF_AREAS
from bot.core.casework import OUTCOMES
from bot.core.handoff import CASE_NEWS, Case
from bot.errors import CaseError, FristadError, NotYourCase, StoreError

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
COOKIE = "fristad_staff"  # the session, for the console and the admin pages
LOGIN_COOKIE = "fristad_login"  # the login form's CSRF token, before there is a session
CSRF_HEADER = "X-CSRF-Token"  # how scripts send the session's token with a JSON request
LIVE_SECONDS = 2.0  # how often an open page is brought up to date without news
CANNED = ("canned-hello", "canned-safety", "canned-closing")
ACTIONS = ("claim", "reply", "end", "release", "transfer", "note", "outcome")

_templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())
routes = web.RouteTableDef()
routes.static("/console/static", HERE / "static")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def store_failures(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Redis failing under a staff page, the login check included: a clear answer and
    a retry later, never a 500."""
    if not request.path.startswith(STAFF_AREAS):
        return await handler(request)
    try:
        return await handler(request)
    except StoreError:
        log.warning("staff pages: the store failed")
        if request.path.startswith("/admin/api/"):
            return web.json_response({"error": "the store cannot be reached just now: try again"}, status=503)
        return page(
            request, "error.html", status=503, message="Det gick inte just nu. Försök igen om en stund."
        )


@web.middleware
async def staff_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sessions, CSRF and roles for everything under /console (SAFETY rules 12-15)."""
    if not request.path.startswith(STAFF_AREAS) or request.path.startswith(
        ("/console/static/", "/admin/static/")
    ):
        return await handler(request)
    console = request.app[CONSOLE]
    origin = request.headers.get("Origin")
    from_elsewhere = origin not in (None, "null") and urlsplit(origin).netloc != request.host
    if from_elsewhere or (request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site"):
        return page(request, "error.html", status=403, message="Förfrågan kom från en annan webbplats.")
    cookie = request.cookies.get(COOKIE)
    session = await console.sessions.get(cookie) if cookie else None
    if session is not None:
        request[SESSION] = session
    if request.method == "POST":
        if request.content_type == "application/json":  # the admin pages' scripts
            given = request.headers.get(CSRF_HEADER, "")
        else:
            try:
                given = str((await request.post()).get("csrf", ""))
            except (ValueError, UnicodeDecodeError):
                return page(request, "error.html", status=400, message="Formuläret gick inte att läsa.")
        # The login form's token is in its own cookie; every other form's in the session.
        is_login = request.path == "/console/login"
        expected = request.cookies.get(LOGIN_COOKIE, "") if is_login else session.csrf if session else None
        if expected is not None and not (expected and hmac.compare_digest(given.encode(), expected.encode())):
            return page(
                request, "error.html", status=403, message="Sidan var för gammal. Ladda om och försök igen."
            )
    if request.path == "/console/login":
        return await handler(request)
    if session is None:
        if request.path == "/console/events" or request.path.startswith("/admin/api/"):
            raise web.HTTPUnauthorized(reason="not logged in")
        raise web.HTTPSeeOther("/console/login")
    if request.path.startswith("/admin") and session.account.role != "admin":
        if request.path.startswith("/admin/api/"):
            raise web.HTTPForbidden(reason="for admins only")
        return page(request, "error.html", status=403, message="Sidan är bara för administratörer.")
    return await handler(request)


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SESSION)
    html = _templates.get_template(template).render(session=session, **context)
    return web.Response(text=html, content_type="text/html", status=status)


@routes.get("/console/login")
async def login_form(request: web.Request) -> web.Response:
    return login_page(request)


def login_page(request: web.Request, status: int = 200, error: str | None = None) -> web.Response:
    """The form, with a fresh CSRF token in a hidden field and in a cookie for the check."""
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", status=status, error=error, login_csrf=token)
    set_cookie(request, response, LOGIN_COOKIE, token, "/console/login")
    return response


@routes.post("/console/login")
async def login(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    form = await request.post()
    name, password = str(form.get("name", "")).strip().lower(), str(form.get("password", ""))
    address = hashed_client_address(request, console.trusted_proxies, console.keyer)
    shown = name if ACCOUNT_NAME.match(name) else "(not an account name)"  # never a mistyped password
    try:
        attempt = await console.guard.attempt(name, address)
    except AccountLocked:
        await console.audit.record(shown, "login-locked")
        return login_page(request, 429, "För många misslyckade försök. Vänta en stund.")
    account = await console.accounts.verify(name, password)
    if account is None:
        await console.audit.record(shown, "login-failed")
        await asyncio.sleep(console.guard.delay(attempt))  # exponential delay, SAFETY rule 14
        return login_page(request, 401, "Fel namn eller lösenord.")
    await console.guard.succeeded(name, address)
    old = request.cookies.get(COOKIE)
    if old:
        await console.sessions.end(old)  # a new id at every login
    session = await console.sessions.start(account)
    await console.audit.record(account.name, "login")
    response = web.HTTPSeeOther("/console")
    set_cookie(request, response, COOKIE, session.id, "/")
    raise response


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    console, session = request.app[CONSOLE], session_of(request)
    await console.sessions.end(session.id)
    await console.audit.record(session.account.name, "logout")
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(COOKIE, path="/")
    raise response


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, path: str) -> None:
    """Every console cookie: never readable by script, never sent from another site."""
    response.set_cookie(
        name, value, path=path, httponly=True, samesite="Strict", secure=request.app[CONSOLE].https(request)
    )


@routes.get("/console")
async def queue_page(request: web.Request) -> web.Response:
    console, session = request.app[CONSOLE], session_of(request)
    return page(request, "queue.html", queues=await queue_snapshot(console, session))


async def queue_snapshot(console: Console, session: Session) -> list[dict[str, Any]]:
    now = time.time()
    queues = []
    for team in console.visible_teams(session.account):
        cases = [*await console.queue.waiting(team), *await console.queue.claimed(team)]
        visible = [c for c in cases if console.may_see_case(session.account, team, c.owner)]
        queues.append(
            {
                "team": team,
                "name": console.teams.teams[team].name,
                "cases": [case_row(c, now) for c in visible],
            }
        )
    return queues


def case_row(case: Case, now: float) -> dict[str, Any]:
    return {
        "code": case.code,
        "team": case.team,
        "language": case.language,
        "topic": case.topic,
        "danger": case.danger,
        "status": case.status,
        "owner": case.owner,
        "waiting_minutes": int((now - case.asked_at) // 60),
    }


@routes.get("/console/cases/{team}/{code}")
async def case_page(request: web.Request) -> web.Response:
    console, session = request.app[CONSOLE], session_of(request)
    team, code = request.match_info["team"], request.match_info["code"]
    case = await console.queue.case(team, code)
    if case is None or not console.may_see_case(session.account, team, case.owner):
        return page(
            request, "error.html", status=404, message="Ärendet finns inte längre, eller är inte ditt."
        )
    await console.audit.record(session.account.name, "view", team, code)
    records, turn = await console.store.transcript_from(case.conversation_key, 0)
    translator = console.translator
    return page(
        request,
        "case.html",
        case=case_row(case, time.time()),
        mine=case.owner == session.account.name,
        supervising=session.account.supervises and case.status == "claimed",
        direction=translator.direction(case.language),
        language_name=translator.format(case.language, "language-name"),
        transcript=records,
        turn=turn,
        notes=await console.store.notes(case.conversation_key),
        canned=[translator.format(case.language, message_id, console.variables) for message_id in CANNED],
        teams={t: console.teams.teams[t].name for t in console.teams.teams if t != team},
        outcomes=OUTCOMES,
    )


@routes.post("/console/cases/{team}/{code}/{action}")
async def case_action(request: web.Request) -> web.StreamResponse:
    console, session = request.app[CONSOLE], session_of(request)
    team, code, action = request.match_info["team"], request.match_info["code"], request.match_info["action"]
    if action not in ACTIONS or team not in console.visible_teams(session.account):
        return page(request, "error.html", status=404, message="Det finns ingen sådan åtgärd.")
    form = await request.post()
    text = str(form.get("text", "")).strip()[:4096]
    if action in ("reply", "note") and not text:
        return page(request, "error.html", status=400, message="Skriv något först.")
    if action == "transfer" and (form.get("to") == team or form.get("to") not in console.teams.teams):
        return page(request, "error.html", status=400, message="Välj ett annat team i listan.")
    if action == "outcome" and form.get("outcome") not in OUTCOMES:
        return page(request, "error.html", status=400, message="Välj ett utfall i listan.")
    me, casework, supervisor = session.account.name, console.casework, session.account.supervises
    try:
        if action == "claim":
            await casework.claim(team, code, me)
        elif action == "reply":
            await casework.reply(team, code, me, text)
        elif action == "note":
            await casework.note(team, code, me, text)
        elif action == "end":
            await casework.end(team, code, me)
        elif action == "release":
            await casework.release(team, code, me, supervisor)
        elif action == "transfer":
            await casework.transfer(team, code, me, str(form.get("to", "")), supervisor)
        elif action == "outcome":
            await casework.record_outcome(team, code, me, str(form.get("outcome", "")))
    except CaseError as err:
        return page(request, "error.html", status=409, message=explain(err))
    except FristadError:
        log.exception("console: %s failed", action)
        return page(
            request, "error.html", status=503, message="Det gick inte just nu. Försök igen om en stund."
        )
    await console.audit.record(me, action, team, code)
    if action in ("end", "release", "transfer"):
        raise web.HTTPSeeOther("/console")
    raise web.HTTPSeeOther(f"/console/cases/{team}/{code}")


def explain(error: CaseError) -> str:
    if isinstance(error, NotYourCase):
        return "Ärendet är inte ditt: en kollega har redan tagit det."
    return "Ärendet är avslutat: personen har gått, eller någon annan har avslutat det."


@routes.get("/console/events")
async def events(request: web.Request) -> web.WebSocketResponse:
    """The queue (no case given) or one case, kept up to date; an open case page also
    keeps its claim alive."""
    console, session = request.app[CONSOLE], session_of(request)
    if stopping(request.app):  # the page tries again, and reaches another worker
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "1"})
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    track(request.app, ws)
    team, code = request.query.get("team", ""), request.query.get("code", "")
    cookie = request.cookies.get(COOKIE, "")
    try:
        if team and code:
            start = request.query.get("from", "0")
            # Audited only when it is a view: a socket to a case that is not there, or
            # not this account's to see, shows nothing and must not read as a view.
            case = await console.queue.case(team, code)
            if case is not None and console.may_see_case(session.account, team, case.owner):
                await console.audit.record(session.account.name, "view-live", team, code)
                await follow_case(console, cookie, ws, team, code, int(start) if start.isdigit() else 0)
        else:
            await follow_queue(console, cookie, ws)
    except StoreError:
        log.warning("console events: the store failed")
    except ConnectionResetError:
        pass  # the page went away while it was being told something: nothing to do
    finally:
        await ws.close(code=WSCloseCode.GOING_AWAY)
    return ws


async def still_allowed(console: Console, cookie: str) -> Session | None:
    """The session behind an open socket, checked again on every update: a logout, an
    expiry or a removed account ends what the socket may show."""
    return await console.sessions.get(cookie) if cookie else None


async def follow_queue(console: Console, cookie: str, ws: web.WebSocketResponse) -> None:
    last: list[dict[str, Any]] | None = None
    while not ws.closed:
        session = await still_allowed(console, cookie)
        if session is None:
            return
        snapshot = await queue_snapshot(console, session)
        if snapshot != last:
            await ws.send_json({"type": "queue", "queues": snapshot})
            last = snapshot
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ws.receive(), LIVE_SECONDS)


async def follow_case(
    console: Console, cookie: str, ws: web.WebSocketResponse, team: str, code: str, turn: int
) -> None:
    """What is said from `turn` on (the page shows what came before), as it is said."""
    case = await console.queue.case(team, code)
    if case is None:
        return
    async with console.notifier.waiting(CASE_NEWS, case.conversation_key) as news:
        while not ws.closed:
            news.clear()
            session = await still_allowed(console, cookie)
            now = await console.queue.case(team, code)
            if now is None:
                await ws.send_json({"type": "ended"})
                return
            if session is None or not console.may_see_case(session.account, team, now.owner):
                return
            records, turn = await console.store.transcript_from(case.conversation_key, turn)
            for record in records:
                await ws.send_json(
                    {"type": "said", "speaker": record.speaker, "text": record.text, "at": record.at}
                )
            await ws.send_json({"type": "turn", "next": turn})
            if now.owner == session.account.name:
                await console.casework.renew(team, code, session.account.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), LIVE_SECONDS)

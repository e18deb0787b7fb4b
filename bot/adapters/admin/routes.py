"""The admin pages at /admin: the shared draft of flows and texts, its check, diagram and
preview, publishing and rolling back versions, the audit log and the statistics.

Pages are server-rendered; the editors' scripts talk JSON to /admin/api/... with the
session's CSRF token in a header. Logins, sessions, CSRF and the admin role are checked
by the console's middleware for everything under /admin.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeGuard

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.adapters.admin import editing
from bot.adapters.admin.charts import bar_chart, daily_chart
from bot.adapters.admin.context import ADMIN, Admin
from bot.adapters.admin.diagram import flow_svg
from bot.adapters.console.context import session_of
from bot.adapters.content_files import FLOWS, LOCALES, ContentFiles
from bot.adapters.published import build_engine
from bot.adapters.statistics import to_csv
from bot.core.conversation import Conversation
from bot.core.engine import Engine
from bot.core.flow import LANGUAGE, MESSAGE_ID
from bot.core.messages import Incoming, Reply
from bot.core.translator import REFERENCE_LANGUAGE
from bot.errors import DraftChanged, Problem

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
MAX_BODY = 2 * 1024 * 1024  # a whole flow file, with room; the app's own limit is 64 KiB
FLOW_FILE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}\.yaml\Z")
PREVIEWS_KEPT = 4
STATISTICS_DAYS = 30

_templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())
routes = web.RouteTableDef()
routes.static("/admin/static", HERE / "static")


def page(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    html = _templates.get_template(template).render(session=session_of(request), **context)
    return web.Response(text=html, content_type="text/html", status=status)


def refused(
    request: web.Request, status: int, message: str, problems: list[str] | None = None
) -> web.Response:
    return page(request, "refused.html", status=status, message=message, problems=problems or [])


def json_error(status: int, reason: str, **more: Any) -> web.Response:
    return web.json_response({"error": reason, **more}, status=status)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object, read here with the admin pages' own size limit."""
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > MAX_BODY:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(body))
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise web.HTTPBadRequest(reason="the body is not JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(reason="the body is not a JSON object")
    return data


def who(request: web.Request) -> str:
    return session_of(request).account.name


def described(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# --- Overview, publish, roll back ---


@routes.get("/admin")
async def overview(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    draft = await admin.draft()
    current = await admin.versions.current()
    return page(
        request,
        "overview.html",
        draft=draft,
        current=current,
        running=admin.published.version,
        refused=admin.published.refused,
        **await asyncio.to_thread(_draft_state, admin, draft.files),
        history=await admin.versions.history(),
        published=request.query.get("published", ""),
        when=_when,
    )


def _draft_state(admin: Admin, files: ContentFiles) -> dict[str, Any]:
    """What the draft changed, its problems and its coverage (in a thread: it parses
    every file that changed since the last look)."""
    running = editing.with_sources(admin.published.content.files)  # as the draft was started
    return {
        "changed": sorted(name for name in {*files, *running} if files.get(name) != running.get(name)),
        "problems": described(admin.published.check(files).problems),
        "coverage": editing.coverage_rows(files),
        "flows": editing.flow_files(files),
    }


@routes.post("/admin/publish")
async def publish(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    form = await request.post()
    draft = await admin.draft()
    if str(form.get("revision", "")) != str(draft.revision):
        return refused(request, 409, "Utkastet har ändrats sedan sidan laddades. Ladda om och granska igen.")
    content = await asyncio.to_thread(admin.published.check, draft.files)
    if content.problems:
        return refused(
            request, 409, "Publiceringen stoppades: utkastet har fel.", described(content.problems)
        )
    note = str(form.get("note", "")).strip()[:200]
    try:
        number = await admin.versions.publish(draft.files, draft.revision, who(request), note)
    except DraftChanged:
        return refused(request, 409, "Utkastet har ändrats sedan sidan laddades. Ladda om och granska igen.")
    await admin.audit.record(who(request), "content-publish", what=f"version {number}")
    await admin.published.follow()  # this worker at once; the others within a second
    raise web.HTTPSeeOther(f"/admin?published={number}")


@routes.post("/admin/versions/{number:\\d+}/rollback")
async def rollback(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    number = int(request.match_info["number"])
    files = await admin.versions.files(number)
    if files is None:
        return refused(request, 404, f"Version {number} finns inte.")
    content = await asyncio.to_thread(admin.published.check, files)
    if content.problems:
        return refused(
            request,
            409,
            f"Version {number} klarar inte kontrollen i den här versionen av Fristad och kan inte bli aktuell.",
            described(content.problems),
        )
    await admin.versions.make_current(number, who(request))
    await admin.audit.record(who(request), "content-rollback", what=f"version {number}")
    await admin.published.follow()
    raise web.HTTPSeeOther(f"/admin?published={number}")


@routes.post("/admin/draft/reset")
async def reset_draft(request: web.Request) -> web.Response:
    """Throw the draft's changes away: start again from the running version or the
    shipped files."""
    admin = request.app[ADMIN]
    form = await request.post()
    shipped = form.get("from") == "shipped"
    files = admin.published.shipped.files if shipped else admin.published.content.files
    try:
        revision = int(str(form.get("revision", "-1")))
        started = await asyncio.to_thread(editing.with_sources, files)
        await admin.versions.save_draft(started, revision, admin.published.version)
    except (DraftChanged, ValueError):
        return refused(request, 409, "Utkastet har ändrats sedan sidan laddades. Ladda om och försök igen.")
    what = "shipped files" if shipped else f"version {admin.published.version or 'shipped'}"
    await admin.audit.record(who(request), "draft-reset", what=what)
    raise web.HTTPSeeOther("/admin")


# --- Flows ---


@routes.get("/admin/flows/{file}")
async def flow_page(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    name = request.match_info["file"]
    draft = await admin.draft()
    text = draft.files.get(f"{FLOWS}{name}")
    if text is None:
        return refused(request, 404, "Det finns inget sådant flöde i utkastet.")
    return page(request, "flow.html", file=name, text=text, revision=draft.revision)


@routes.post("/admin/api/flows/{file}/check")
async def check_flow(request: web.Request) -> web.Response:
    """The problems of the draft with this flow text, each with its line, and the diagram."""
    admin = request.app[ADMIN]
    name = request.match_info["file"]
    text = (await read_json(request)).get("text")
    if not isinstance(text, str):
        return json_error(400, "text must be a string")
    draft = await admin.draft()
    return web.json_response(await asyncio.to_thread(_flow_check, admin, draft.files, f"{FLOWS}{name}", text))


def _flow_check(admin: Admin, files: ContentFiles, name: str, text: str) -> dict[str, Any]:
    """All of it in a thread: a renamed state gives a hundred problems, each located in
    the YAML, and help-seekers' turns must not wait for that."""
    content = admin.published.check({**files, name: text})
    here = [p for p in content.problems if p.file == name]
    flow = next((f for f in content.flows if f.file == name), None)
    return {
        "problems": [
            {"line": line, "where": p.location, "message": p.message}
            for p, line in zip(here, editing.problem_lines(here, text), strict=True)
        ],
        "elsewhere": described([p for p in content.problems if p not in here]),
        "diagram": flow_svg(flow) if flow is not None else None,
    }


@routes.post("/admin/api/flows/{file}")
async def save_flow(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    name = request.match_info["file"]
    if not FLOW_FILE.match(name):
        return json_error(400, "a flow file name is lowercase letters, digits, - and _, ending in .yaml")
    data = await read_json(request)
    text, revision = data.get("text"), data.get("revision")
    if not isinstance(text, str) or not _is_number(revision):
        return json_error(400, "text must be a string and revision a number")
    draft = await admin.draft()
    return await _save(request, admin, {**draft.files, f"{FLOWS}{name}": text}, revision, f"{FLOWS}{name}")


async def _save(
    request: web.Request, admin: Admin, files: ContentFiles, revision: int, what: str
) -> web.Response:
    try:
        saved = await admin.versions.save_draft(files, revision)
    except DraftChanged:
        return json_error(409, "someone else changed the draft: reload the page (copy your text first)")
    await admin.audit.record(who(request), "draft-edit", what=what)
    return web.json_response({"revision": saved})


# --- Texts ---


@routes.get("/admin/texts/{language}")
async def texts_page(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    language = request.match_info["language"]
    draft = await admin.draft()
    if language not in editing.languages(draft.files):
        return refused(request, 404, "Det språket finns inte i utkastet.")
    return page(
        request,
        "texts.html",
        language=language,
        reference=REFERENCE_LANGUAGE,
        rows=editing.text_rows(draft.files, language),
        revision=draft.revision,
        direction="rtl" if language in ("ar", "fa", "he", "ur") else "ltr",
    )


@routes.post("/admin/api/texts/{language}/check")
async def check_text(request: web.Request) -> web.Response:
    """Fluent syntax and variables of one message, as the admin types."""
    admin = request.app[ADMIN]
    language = request.match_info["language"]
    data = await read_json(request)
    message_id, source = data.get("id"), data.get("text")
    if not isinstance(message_id, str) or not isinstance(source, str):
        return json_error(400, "id and text must be strings")
    draft = await admin.draft()
    return web.json_response({"problem": _text_problem(draft.files, language, message_id, source)})


def _text_problem(files: ContentFiles, language: str, message_id: str, source: str) -> str | None:
    reference = editing.messages(files, REFERENCE_LANGUAGE).get(message_id)
    if reference is None and language != REFERENCE_LANGUAGE:
        return "det finns inget sådant meddelande på svenska"
    variables, problem = editing.check_message(message_id, source)
    if problem is not None:
        return f"Fluent: {problem}"
    if reference is not None and language != REFERENCE_LANGUAGE:
        wanted, _ = editing.check_message(message_id, reference.source)
        if variables != wanted:
            return f"variablerna ska vara desamma som på svenska: {_names(wanted)} (här: {_names(variables)})"
    return None


def _names(names: frozenset[str]) -> str:
    return ", ".join(f"{{ ${n} }}" for n in sorted(names)) or "inga"


@routes.post("/admin/api/texts/{language}")
async def save_texts(request: web.Request) -> web.Response:
    """Save changed messages of one language; refused whole if one is broken."""
    admin = request.app[ADMIN]
    language = request.match_info["language"]
    if not LANGUAGE.match(language):
        return json_error(400, "not a language code (like sv, en, ar)")
    data = await read_json(request)
    changes, revision = data.get("messages"), data.get("revision")
    if not isinstance(changes, dict) or not _is_number(revision) or not changes:
        return json_error(400, "messages must be an object of message id to text, and revision a number")
    draft = await admin.draft()
    if language not in editing.languages(draft.files):
        return json_error(404, "the draft has no such language: a new one comes with fristad flows import")
    for message_id, source in changes.items():
        if not isinstance(source, str) or not MESSAGE_ID.match(message_id):
            return json_error(400, "each message needs an id and a text", id=str(message_id))
    problem, files = await asyncio.to_thread(_changed_texts, draft.files, language, changes)
    if problem is not None:
        return json_error(400, problem[1], id=problem[0])
    return await _save(request, admin, files, revision, f"{LOCALES}{language} ({len(changes)} messages)")


def _changed_texts(
    files: ContentFiles, language: str, changes: dict[str, str]
) -> tuple[tuple[str, str] | None, ContentFiles]:
    """The files with the changes, or the first message that is broken (in a thread: a
    new language's hundred messages take a moment)."""
    for message_id, source in changes.items():
        if problem := _text_problem(files, language, message_id, source):
            return (message_id, problem), files
    return None, editing.set_messages(files, language, changes)


def _is_number(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


# --- Preview ---


@routes.get("/admin/preview")
async def preview_page(request: web.Request) -> web.Response:
    admin = request.app[ADMIN]
    draft = await admin.draft()
    return page(request, "preview.html", languages=editing.languages(draft.files), revision=draft.revision)


@routes.post("/admin/api/preview")
async def preview_turn(request: web.Request) -> web.Response:
    """One turn of a pretend conversation with the draft, kept nowhere: the page holds
    the conversation and sends it back with each input."""
    admin = request.app[ADMIN]
    data = await read_json(request)
    draft = await admin.draft()
    engine = admin.previews.get(draft.revision)
    if engine is None:
        content = await asyncio.to_thread(admin.published.check, draft.files)
        if content.problems:
            return json_error(
                409, "the draft has problems: fix them before trying it", problems=described(content.problems)
            )
        engine = await asyncio.to_thread(build_engine, content)
        for old in list(admin.previews)[: max(0, len(admin.previews) - PREVIEWS_KEPT + 1)]:
            del admin.previews[old]
        admin.previews[draft.revision] = engine
    try:
        conversation = _preview_conversation(engine, data)
        incoming = Incoming("preview", text=_optional(data, "text"), choice=_optional(data, "choice"))
    except ValueError as err:
        return json_error(400, str(err))
    step = engine.step(conversation, incoming)
    after = replace(step.conversation, revision=step.conversation.revision + 1)
    return web.json_response(
        {
            "replies": [_reply(r) for r in step.replies],
            "conversation": None if step.forget else _conversation_json(after),
            "handoff": after.team if step.hands_over else None,
            "state": after.state,
        }
    )


def _optional(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


def _preview_conversation(engine: Engine, data: dict[str, Any]) -> Conversation:
    saved = data.get("conversation")
    language = data.get("language", REFERENCE_LANGUAGE)
    if language not in engine.translator.languages:
        raise ValueError("that language is not in the draft")
    if saved is None:
        return engine.new_conversation("preview", language)
    if not isinstance(saved, dict) or not isinstance(saved.get("state"), str):
        raise ValueError("conversation must be what the last answer gave")
    status = saved.get("status", "bot")
    if status not in ("bot", "waiting", "talking"):
        raise ValueError("conversation must be what the last answer gave")
    flow = engine.entry.flow
    return Conversation(
        "preview",
        flow.id,
        flow.version,
        saved["state"],
        language,
        status=status,
        team=saved.get("team") if isinstance(saved.get("team"), str) else None,
        municipality=saved.get("municipality") if isinstance(saved.get("municipality"), str) else None,
        revision=max(1, int(saved.get("revision", 1)) if isinstance(saved.get("revision"), int) else 1),
    )


def _conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "state": conversation.state,
        "status": conversation.status,
        "team": conversation.team,
        "municipality": conversation.municipality,
        "revision": conversation.revision,
    }


def _reply(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "dir": reply.direction,
        "options": [{"id": o.id, "label": o.label} for o in (*reply.options, *reply.actions)],
    }


# --- Audit and statistics ---


@routes.get("/admin/audit")
async def audit_page(request: web.Request) -> web.Response:
    entries = await request.app[ADMIN].audit.latest(500)
    return page(request, "audit.html", entries=entries, when=_when)


@routes.get("/admin/statistics")
async def statistics_page(request: web.Request) -> web.Response:
    first, last = _period(request)
    report = await request.app[ADMIN].statistics.report(first, last)
    dimensions = {
        "Samtal per kanal": report.started_by_channel,
        "Samtal per språk": report.started_by_language,
        "Vem som skriver (antal val, inte personer)": report.roles,
        "Ämnen som öppnats (antal gånger)": report.topics,
        "Överlämningar per team": report.handoffs_by_team,
        "Utfall (team:utfall)": report.outcomes,
    }
    # Both chart functions escape every text they put in the SVG.
    charts = [Markup(daily_chart("Samtal som startat per dag", report.started_per_day))]  # noqa: S704
    charts += [Markup(bar_chart(title, list(bars.items()))) for title, bars in dimensions.items()]  # noqa: S704
    waits = [
        {"team": team, "count": sum(report.waits()[team].values()), "median": median, "p90": p90}
        for team, (median, p90) in report.wait_quantiles().items()
    ]
    return page(request, "statistics.html", charts=charts, first=first, last=last, waits=waits)


@routes.get("/admin/statistics.csv")
async def statistics_csv(request: web.Request) -> web.Response:
    first, last = _period(request)
    report = await request.app[ADMIN].statistics.report(first, last)
    return web.Response(
        text=to_csv(report),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="fristad-{first}-{last}.csv"'},
    )


def _period(request: web.Request) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, by default the last 30 days; at most 400 days."""
    try:
        last = date.fromisoformat(request.query.get("to") or datetime.now(UTC).date().isoformat())
        given = request.query.get("from")
        first = date.fromisoformat(given) if given else last - timedelta(days=STATISTICS_DAYS - 1)
    except (ValueError, OverflowError):
        raise web.HTTPBadRequest(reason="from and to are dates like 2026-11-27") from None
    if first > last or (last - first).days >= 400:
        raise web.HTTPBadRequest(reason="from must be before to, and the period at most 400 days")
    return first, last


def _when(at: float | str) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(at)))

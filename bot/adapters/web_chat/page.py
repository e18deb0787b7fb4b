"""The chat page at `/`: one server-rendered HTML page, its own CSS and JavaScript, and
the texts of every language inside it, so switching language needs no request."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.adapters.web_chat.context import WEB_CHAT, WebChat

HERE = Path(__file__).parent
STATIC = HERE / "static"
# The page's own texts (locales/<lang>/web.ftl) and the global actions it shows as buttons.
PAGE_TEXTS = (
    "web-title",
    "web-quick-exit",
    "web-quick-exit-note",
    "web-log-label",
    "web-speaker-bot",
    "web-speaker-you",
    "web-input-label",
    "web-send",
    "web-language-label",
    "web-no-script",
    "web-reconnecting",
    "web-error-unavailable",
    "web-error-too-many",
    "web-error-ended",
    "web-error-bad-request",
    "action-danger",
    "action-person",
    "action-restart",
    "action-help",
    "action-forget",
)

_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(), auto_reload=False
)

routes = web.RouteTableDef()
routes.static("/static", STATIC)


@routes.get("/favicon.ico")
async def no_icon(request: web.Request) -> web.Response:
    """No icon: a neutral tab, and no 404 noise in the browser."""
    return web.Response(status=204)


@routes.get("/")
async def chat_page(request: web.Request) -> web.Response:
    chat = request.app[WEB_CHAT]
    language = chat.translator.negotiate(request.headers.get("Accept-Language"))
    key = (chat.dialogue.engine.generation, language)
    if key not in chat.pages:
        texts = page_texts(chat)
        for old in [k for k in chat.pages if k[0] != key[0]]:
            del chat.pages[old]
        chat.pages[key] = _templates.get_template("chat.html").render(
            lang=language,
            dir=chat.translator.direction(language),
            t=texts[language]["texts"],
            exit_url=chat.config.quick_exit_url,
            texts_json=Markup(script_json(texts)),  # noqa: S704 (escaped by script_json)
        )
    return web.Response(text=chat.pages[key], content_type="text/html")


def page_texts(chat: WebChat) -> dict[str, dict[str, object]]:
    """Every language's page texts, its name and its direction."""
    return {
        lang: {
            "name": chat.text(lang, "language-name"),
            "dir": chat.translator.direction(lang),
            "texts": {message_id: chat.text(lang, message_id) for message_id in PAGE_TEXTS},
        }
        for lang in chat.translator.languages
    }


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: no "</script>", no entities."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

"""The web chat for help-seekers: the page at `/`, its JSON API under `/api/v1/` and a
WebSocket for replies that arrive later. See docs/web-chat.md."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.web_chat import api, openapi, page
from bot.adapters.web_chat.context import WEB_CHAT, WebChat, WebChatConfig
from bot.adapters.web_chat.headers import add_security_headers

__all__ = ["WEB_CHAT", "WebChat", "WebChatConfig", "add_web_chat"]


def add_web_chat(app: web.Application, frame_ancestors: str) -> None:
    """Routes and headers of the web chat. `app[WEB_CHAT]` is set when the app starts."""
    app.middlewares.append(api.json_errors)
    app.add_routes(api.routes)
    app.add_routes(page.routes)
    app.add_routes(openapi.routes)
    app.on_response_prepare.append(add_security_headers(frame_ancestors))

"""The caseworker console at /console (docs/console.md)."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.console import routes
from bot.adapters.console.context import CONSOLE, Console

__all__ = ["CONSOLE", "Console", "add_console"]


def add_console(app: web.Application) -> None:
    """Routes and the login check of the console (and of the admin pages). `app[CONSOLE]` is set when the app starts."""
    app.middlewares.append(routes.store_failures)  # outside: the login check reads Redis too
    app.middlewares.append(routes.staff_only)
    app.add_routes(routes.routes)

"""The admin pages at /admin (docs/admin.md): flows and texts, versions, statistics."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.admin import routes
from bot.adapters.admin.context import ADMIN, Admin

__all__ = ["ADMIN", "Admin", "add_admin"]


def add_admin(app: web.Application) -> None:
    """Routes of the admin pages; they sit behind the console's login (add_console first)."""
    app.add_routes(routes.routes)

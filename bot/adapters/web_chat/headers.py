"""Headers on every response: nothing cached or leaked, nothing loaded from elsewhere
(SAFETY rules 2 and 13)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

STAFF_AREAS = ("/console", "/admin")
Hook = Callable[[web.Request, web.StreamResponse], Awaitable[None]]


def content_security_policy(frame_ancestors: str, form_action: str = "'none'") -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self'; base-uri 'none'; form-action {form_action}; "
        f"frame-ancestors {frame_ancestors}"
    )


def add_security_headers(frame_ancestors: str) -> Hook:
    """The chat may be framed by the sites the deployment names; staff pages never."""
    chat_policy = content_security_policy(frame_ancestors)
    staff_policy = content_security_policy("'none'", form_action="'self'")  # staff pages post forms

    async def hook(request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers["Cache-Control"] = "no-store"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Content-Security-Policy"] = (
            staff_policy if request.path.startswith(STAFF_AREAS) else chat_policy
        )
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"

    return hook

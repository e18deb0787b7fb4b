"""A request id per request (issue 10): a random id, made here and never taken from the
client, set for the time the request is handled, added to every log record made
meanwhile (RequestIdFilter) and returned in the X-Request-Id response header. It is
not derived from anything about the person (token, conversation key, address): it only
ties together the log lines of one request. Background tasks have none."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from aiohttp import web

log = logging.getLogger(__name__)

HEADER = "X-Request-Id"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ID_BYTES = 6  # 12 hex digits: unique enough to find one request in a day's logs

_current: ContextVar[str | None] = ContextVar("request_id", default=None)
REQUEST_ID = web.RequestKey("request_id", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def current_request_id() -> str | None:
    """The id of the request being handled, None outside requests."""
    return _current.get()


def new_request_id() -> str:
    return secrets.token_hex(ID_BYTES)


@web.middleware
async def with_request_id(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A new id for every request; an X-Request-Id the client sends is ignored (it could
    inject text into the logs or tie requests together)."""
    request_id = new_request_id()
    request[REQUEST_ID] = request_id
    token = _current.set(request_id)
    started = time.monotonic()
    outcome = "failed"  # an unexpected error: aiohttp answers 500 and logs it
    try:
        response = await handler(request)
        outcome = str(response.status)
        return response
    except web.HTTPException as err:
        outcome = str(err.status)
        raise
    except asyncio.CancelledError:
        outcome = "cancelled"  # the client went away, or the server is stopping
        raise
    finally:
        if log.isEnabledFor(logging.DEBUG):  # the route's lookup, only when it is logged
            took = (time.monotonic() - started) * 1000
            log.debug("%s %s: %s in %.0f ms", _method(request), _route(request), outcome, took)
        _current.reset(token)


def _method(request: web.Request) -> str:
    return request.method if request.method in _METHODS else "other"


def _route(request: web.Request) -> str:
    """The route's pattern, never the path: paths can hold case codes and team names."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "(no route)"


async def _add_header(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, also errors raised past the middlewares and WebSockets."""
    request_id = request.get(REQUEST_ID)
    if request_id is not None:
        response.headers[HEADER] = request_id


def add_request_ids(app: web.Application) -> None:
    """Call first, before any other middleware is added: the id's middleware is then the
    outermost, and every log line of the others carries the id."""
    app.middlewares.insert(0, with_request_id)
    app.on_response_prepare.append(_add_header)


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True

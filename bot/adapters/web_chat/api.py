"""The web chat's JSON API (documented in openapi.py) and its WebSocket.

The token a conversation is started with is its only name: it lives in the page's
memory, travels in request bodies (never in a URL, so no log or history holds it), and
is turned into the conversation key with the HMAC key, so Redis never sees it either.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from aiohttp import WSCloseCode, web

from bot.adapters.client_address import hashed_client_address
from bot.adapters.draining import RETRY_AFTER_SECONDS, stopping, track
from bot.adapters.metrics import count_connection, count_turn
from bot.adapters.web_chat.context import CHANNEL, WEB_CHAT
from bot.core.engine import MAX_TEXT_LENGTH
from bot.core.messages import Incoming, Reply
from bot.errors import ConversationNotFound, StoreError, TooManyTurns

log = logging.getLogger(__name__)

routes = web.RouteTableDef()

TOKEN_BYTES = 32  # 256 bits
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_CHOICE_LENGTH = 200
MAX_HINT_LENGTH = 200
HELLO_TIMEOUT = 10.0
# WebSocket close codes of the API (4000-4999 are for applications).
CLOSE_BAD_HELLO = 4400
CLOSE_ENDED = 4404


class BadRequest(Exception):
    """The request is not what the API accepts; the reason is for the developer."""


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure of the API is a JSON answer with a reason, never a bare 500."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except BadRequest as err:
        return error(request, 400, "bad_request", str(err), "web-error-bad-request")
    except web.HTTPRequestEntityTooLarge:
        return error(request, 413, "too_large", "the request body is too large", "web-error-bad-request")
    except web.HTTPException as err:
        if err.status < 400:
            raise
        response = error(request, err.status, "http_error", err.reason, "web-error-bad-request")
        if "Allow" in err.headers:  # 405 says what is allowed
            response.headers["Allow"] = err.headers["Allow"]
        return response
    except StoreError:
        log.exception("web chat: the store failed")
        return error(
            request, 503, "unavailable", "the service cannot reach its storage", "web-error-unavailable"
        )


def error(request: web.Request, status: int, code: str, reason: str, message_id: str) -> web.Response:
    chat = request.app[WEB_CHAT]
    language = chat.translator.negotiate(request.headers.get("Accept-Language"))
    body = {"error": code, "reason": reason, "message": chat.text(language, message_id), "language": language}
    return web.json_response(body, status=status)


@routes.post("/api/v1/conversations")
async def start_conversation(request: web.Request) -> web.Response:
    chat = request.app[WEB_CHAT]
    if stopping(request.app):  # the ones already started go on until the process stops
        response = error(request, 503, "stopping", "this server is stopping", "web-error-unavailable")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    body = await json_body(request, required=False)
    hint = optional_string(body, "language", MAX_HINT_LENGTH) or request.headers.get("Accept-Language")
    address = hashed_client_address(request, chat.config.trusted_proxies, chat.keyer)
    if not await chat.limiter.allow("start", address, chat.config.conversations_per_minute):
        return too_many(request, "too many new conversations from this address")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    result = await chat.dialogue.take_turn(
        Incoming(chat.conversation_key(token), language_hint=hint, channel=CHANNEL)
    )
    count_turn(request.app, CHANNEL)
    return web.json_response(
        {"token": token, "replies": replies_json(result.replies), "ended": False}, status=201
    )


@routes.post("/api/v1/messages")
async def send_message(request: web.Request) -> web.Response:
    chat = request.app[WEB_CHAT]
    body = await json_body(request)
    key = chat.conversation_key(token_of(body))
    text = optional_string(body, "text", MAX_TEXT_LENGTH * 4)  # longer is answered kindly by the engine
    choice = optional_string(body, "choice", MAX_CHOICE_LENGTH)
    if (text is None) == (choice is None):
        raise BadRequest("give either text or choice")
    try:
        result = await chat.dialogue.take_turn(
            Incoming(key, text=text, choice=choice, channel=CHANNEL), may_start=False
        )
    except ConversationNotFound:
        return error(request, 404, "conversation_ended", "no conversation has this token", "web-error-ended")
    except TooManyTurns:
        return too_many(request, "too many messages in this conversation this minute")
    count_turn(request.app, CHANNEL)
    if result.ended:
        await chat.outbox.announce_end(key)
    return turn_response(result.replies, result.ended)


@routes.post("/api/v1/exit")
async def quick_exit(request: web.Request) -> web.Response:
    """Quick exit: the conversation ends at once and nothing of it is kept. Sent with
    `navigator.sendBeacon` while the page goes away, so it answers 204 whatever it gets."""
    chat = request.app[WEB_CHAT]
    body = await json_body(request)
    key = chat.conversation_key(token_of(body))
    await chat.dialogue.end(key)
    await chat.outbox.announce_end(key)
    return web.Response(status=204)


@routes.get("/api/v1/events")
async def events(request: web.Request) -> web.WebSocketResponse:
    """Replies that arrive later. The client says `{"type": "hello", "token": ...,
    "after": <id of the last reply it has>}` and gets every reply after that one."""
    chat = request.app[WEB_CHAT]
    if stopping(request.app):  # the page tries again, and reaches another worker
        raise web.HTTPServiceUnavailable(headers={"Retry-After": "1"})
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    track(request.app, ws)
    try:
        hello = await ws.receive_json(timeout=HELLO_TIMEOUT)
        if not isinstance(hello, dict) or hello.get("type") != "hello":
            raise BadRequest("the first message must be a hello")
        key = chat.conversation_key(token_of(hello))
        after = hello.get("after") or "0"
        if not isinstance(after, str) or not re.fullmatch(r"\d+(-\d+)?", after):
            raise BadRequest("after must be a reply id")
    except (BadRequest, TypeError, ValueError, RecursionError, TimeoutError):
        await ws.close(code=CLOSE_BAD_HELLO, message=b"bad hello")
        return ws
    if await chat.dialogue.store.load(key) is None:
        await ws.close(code=CLOSE_ENDED, message=b"conversation ended")
        return ws
    await ws.send_json({"type": "ready"})

    gone = asyncio.Event()

    async def deliver() -> bool:
        """True when the conversation ended; False when the page went away (it asks
        again from its last reply id when it comes back)."""
        async for reply_id, reply in chat.outbox.follow(key, after, gone):
            try:
                await ws.send_json({"type": "reply", "id": reply_id, "reply": reply_json(reply)})
            except ConnectionResetError:
                return False
        return True

    async def until_closed() -> None:
        async for _ in ws:
            pass  # the client has nothing more to say; this only notices that it left

    delivering, listening = asyncio.create_task(deliver()), asyncio.create_task(until_closed())
    code: int = WSCloseCode.GOING_AWAY  # the client may come back, to this worker or another
    count_connection(request.app, CHANNEL, +1)
    try:
        await asyncio.wait([delivering, listening], return_when=asyncio.FIRST_COMPLETED)
        if delivering.done() and not delivering.cancelled():
            if delivering.exception() is not None:
                log.error("web chat: delivering replies failed: %s", type(delivering.exception()).__name__)
            elif delivering.result():
                code = CLOSE_ENDED  # the conversation ended while connected
    finally:
        gone.set()
        count_connection(request.app, CHANNEL, -1)
        for task in (delivering, listening):
            task.cancel()
        await asyncio.gather(delivering, listening, return_exceptions=True)
        await ws.close(code=code)
    return ws


def too_many(request: web.Request, reason: str) -> web.Response:
    response = error(request, 429, "too_many_requests", reason, "web-error-too-many")
    response.headers["Retry-After"] = "60"
    return response


def turn_response(replies: tuple[Reply, ...], ended: bool) -> web.Response:
    """`{"replies": [...], "ended": ...}`, the same JSON as `web.json_response` gives, from
    each reply's JSON made once: the bot says the same few hundred bubbles again and again."""
    body = f'{{"replies": [{", ".join(map(_reply_text, replies))}], "ended": {"true" if ended else "false"}}}'
    return web.Response(text=body, content_type="application/json")


# Keyed by the whole reply (texts, labels, ids), so a publish that changes a text makes a
# new entry, never serves the old one. Only the bot's replies to a turn go through it:
# what caseworkers write goes by the WebSocket and is never kept here.
@lru_cache(maxsize=4096)
def _reply_text(reply: Reply) -> str:
    return json.dumps(reply_json(reply))


def replies_json(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    return [reply_json(reply) for reply in replies]


def reply_json(reply: Reply) -> dict[str, Any]:
    """A reply as the API shows it: `dataclasses.asdict` by hand, some 40 times faster
    (asdict deep-copies every string of every option)."""
    return {
        "text": reply.text,
        "language": reply.language,
        "direction": reply.direction,
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
        "actions": [{"id": a.id, "label": a.label} for a in reply.actions],
    }


async def json_body(request: web.Request, required: bool = True) -> dict[str, Any]:
    # Read bytes whatever the content type and charset: sendBeacon cannot always set them.
    raw = await request.read()
    if not raw.strip() and not required:
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as err:  # UnicodeDecodeError is a ValueError
        raise BadRequest("the body is not valid JSON in UTF-8") from err
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def token_of(body: dict[str, Any]) -> str:
    token = body.get("token")
    if not isinstance(token, str) or not TOKEN.match(token):
        raise BadRequest("token is missing or not a token this service issues")
    return token


def optional_string(body: dict[str, Any], name: str, max_length: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    if len(value) > max_length:
        raise BadRequest(f"{name} is longer than {max_length} characters")
    return value

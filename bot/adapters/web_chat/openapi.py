"""The OpenAPI 3 description of the web chat API, served at /api/openapi.json, so that
another site can build its own chat widget on it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.adapters.web_chat.api import MAX_CHOICE_LENGTH, MAX_HINT_LENGTH, TOKEN
from bot.core.engine import MAX_TEXT_LENGTH

routes = web.RouteTableDef()

_OPTION = {
    "type": "object",
    "required": ["id", "label"],
    "properties": {
        "id": {"type": "string", "description": "Send back as `choice` to choose it."},
        "label": {"type": "string"},
    },
    "additionalProperties": False,
}
_REPLY = {
    "type": "object",
    "description": "One bubble, in one language. Show `options` as buttons under the last bubble "
    'and `actions` (always "I am in danger now") where they are always reachable.',
    "required": ["text", "language", "direction", "options", "actions"],
    "properties": {
        "text": {"type": "string", "description": "Plain text; paragraphs are separated by a blank line."},
        "language": {"type": "string", "examples": ["sv", "ar"]},
        "direction": {"type": "string", "enum": ["ltr", "rtl"]},
        "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
        "actions": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
    },
    "additionalProperties": False,
}
_TOKEN = {
    "type": "string",
    "pattern": TOKEN.pattern,
    "description": "The conversation's only name (256 random bits). Keep it in memory only; "
    "never in a URL, a cookie or browser storage.",
}
_TURN = {
    "type": "object",
    "required": ["replies", "ended"],
    "properties": {
        "replies": {"type": "array", "items": {"$ref": "#/components/schemas/Reply"}},
        "ended": {
            "type": "boolean",
            "description": "True when the conversation no longer exists (the person asked to delete "
            "it): forget the token, and start a new conversation when the person writes again.",
        },
    },
    "additionalProperties": False,
}
_STARTED = {
    "type": "object",
    "required": ["token", "replies", "ended"],
    "properties": {"token": {"$ref": "#/components/schemas/Token"}, **_TURN["properties"]},  # type: ignore[dict-item]
    "additionalProperties": False,
}
_ERROR = {
    "type": "object",
    "required": ["error", "reason", "message", "language"],
    "properties": {
        "error": {"type": "string", "description": "Machine-readable code."},
        "reason": {"type": "string", "description": "For the developer, in English."},
        "message": {"type": "string", "description": "For the person, in `language` (from Accept-Language)."},
        "language": {"type": "string"},
    },
    "additionalProperties": False,
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_COMMON_ERRORS = {
    "400": _error("The body is not valid JSON or not what the API accepts."),
    "413": _error("The body is larger than 64 KiB."),
    "503": _error(
        "Storage is unreachable. `message` tells the person what to do, with the emergency number."
    ),
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Fristad web chat API",
        "version": "1",
        "description": "Chat with Fristad's help bot, and later with a caseworker. Every response "
        "carries `Cache-Control: no-store`. Send `Accept-Language` to get error messages in the "
        "person's language.",
    },
    "paths": {
        "/api/v1/conversations": {
            "post": {
                "operationId": "startConversation",
                "summary": "Start a conversation; the first replies are the safety check.",
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "language": {
                                        "type": ["string", "null"],
                                        "maxLength": MAX_HINT_LENGTH,
                                        "description": "Language hint, like a browser's language list "
                                        '("ar,en;q=0.8"). Default (also for null): the Accept-Language '
                                        "header.",
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json("Started", "The conversation, its token and the first replies."),
                    "429": _error("Too many new conversations from this address this minute."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/v1/messages": {
            "post": {
                "operationId": "sendMessage",
                "summary": "Send free text or choose an option; get the bot's replies.",
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["token"],
                        "properties": {
                            "token": {"$ref": "#/components/schemas/Token"},
                            "text": {
                                "type": ["string", "null"],
                                "maxLength": MAX_TEXT_LENGTH * 4,
                                "description": f"Free text. Over {MAX_TEXT_LENGTH} characters "
                                "gets a kind reply asking for something shorter.",
                            },
                            "choice": {
                                "type": ["string", "null"],
                                "maxLength": MAX_CHOICE_LENGTH,
                                "description": "The id of an option or action. An id that is "
                                "not offered gets a reply saying so, with the options again.",
                            },
                        },
                        "oneOf": [
                            {
                                "required": ["text"],
                                "properties": {"text": {"type": "string"}, "choice": {"type": "null"}},
                            },
                            {
                                "required": ["choice"],
                                "properties": {"choice": {"type": "string"}, "text": {"type": "null"}},
                            },
                        ],
                        "description": "Exactly one of `text` and `choice` (null is the same as leaving "
                        "a field out).",
                    }
                ),
                "responses": {
                    "200": _json("Turn", "The bot's replies."),
                    "404": _error("No conversation has this token (ended, deleted or expired)."),
                    "429": _error("Too many messages in this conversation this minute."),
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/v1/exit": {
            "post": {
                "operationId": "quickExit",
                "summary": "Quick exit: end the conversation at once and delete it. Made for "
                "`navigator.sendBeacon` while the page goes away.",
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["token"],
                        "properties": {"token": {"$ref": "#/components/schemas/Token"}},
                    }
                ),
                "responses": {
                    "204": {"description": "Ended (also when it had already ended)."},
                    **_COMMON_ERRORS,
                },
            }
        },
        "/api/v1/events": {
            "get": {
                "operationId": "events",
                "summary": "WebSocket for replies that arrive later (a caseworker's answers).",
                "description": 'Open a WebSocket here and send `{"type": "hello", "token": "...", "after": '
                '"<id of the last reply you have, or 0>"}`. The server answers `{"type": "ready"}`, then '
                'sends `{"type": "reply", "id": "...", "reply": Reply}` for every reply after `after`, '
                "old and new. After a dropped connection, connect again with the last id: nothing is "
                "lost. Close codes: 4400 bad hello, 4404 no such conversation.",
                "responses": {
                    "101": {"description": "Switching to the WebSocket protocol."},
                    "400": _error("Not a WebSocket handshake (a plain GET, or a wrong upgrade request)."),
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Token": _TOKEN,
            "Option": _OPTION,
            "Reply": _REPLY,
            "Turn": _TURN,
            "Started": _STARTED,
            "Error": _ERROR,
        }
    },
}


@routes.get("/api/openapi.json")
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(DOCUMENT)

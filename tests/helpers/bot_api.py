"""A local stand-in of the Telegram Bot API: an aiohttp server that answers the methods
Fristad uses the way Telegram documents them, keeps each chat as the person's phone
would show it, and makes the updates a person's actions would produce."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.adapters.redis_server import free_port

TOKEN = "123456:TEST-token_for-the-stand-in-0123456789"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Chatt", "username": "fristad_test_bot"}


@dataclass
class ChatMessage:
    message_id: int
    text: str  # "" for what is not text
    from_bot: bool
    sent_at: float
    reply_markup: dict[str, Any] | None = None

    @property
    def opener(self) -> str:
        """The first paragraph: what a lock screen or the chat list shows."""
        return self.text.split("\n\n", 1)[0]

    @property
    def body(self) -> str:
        """The text after the first paragraph."""
        return self.text.split("\n\n", 1)[1] if "\n\n" in self.text else ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b["callback_data"]) for row in rows for b in row]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class BotApiStandIn:
    token: str = TOKEN
    chats: dict[int, dict[int, ChatMessage]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # Scripted refusals: method -> (HTTP status, retry_after or None), used once each.
    refusals: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)
    profile: dict[str, str] = field(
        default_factory=lambda: {"name": "", "description": "", "short_description": ""}
    )
    commands: dict[str | None, list[dict[str, str]]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    _pending_updates: list[dict[str, Any]] = field(default_factory=list)
    _next_message_id: dict[int, int] = field(default_factory=dict)
    _next_update_id: int = 1000
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what the person sees and does ---------------------------------------------

    def visible(self, chat_id: int) -> list[ChatMessage]:
        return list(self.chats.get(chat_id, {}).values())

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.visible(chat_id) if m.from_bot]

    def method_calls(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, condition: Callable[[], bool], within: float = 10.0) -> None:
        async with asyncio.timeout(within):
            while True:
                self._changed.clear()
                if condition():
                    return
                await self._changed.wait()

    async def wait_for_bot_messages(
        self, chat_id: int, count: int, within: float = 10.0
    ) -> list[ChatMessage]:
        await self.wait_until(lambda: len(self.bot_messages(chat_id)) >= count, within)
        return self.bot_messages(chat_id)

    def text_update(self, chat_id: int, text: str, language_code: str | None = "sv") -> dict[str, Any]:
        return self._user_message(chat_id, {"text": text}, language_code)

    def content_update(
        self, chat_id: int, content: dict[str, Any], language_code: str | None = "sv"
    ) -> dict[str, Any]:
        """A message that is not text: {"photo": [...]}, {"voice": {...}}, and so on."""
        return self._user_message(chat_id, content, language_code)

    def press(
        self, chat_id: int, message: ChatMessage, data: str, language_code: str | None = "sv"
    ) -> dict[str, Any]:
        return self._update(
            {
                "callback_query": {
                    "id": str(self._next_update_id),
                    "from": _user(chat_id, language_code),
                    "chat_instance": str(chat_id),
                    "data": data,
                    "message": self._message_json(chat_id, message),
                }
            }
        )

    def edit_update(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        return self._update(
            {
                "edited_message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "edit_date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": _user(chat_id, "sv"),
                    "text": text,
                }
            }
        )

    def block_update(self, chat_id: int) -> dict[str, Any]:
        self.blocked.add(chat_id)
        return self._update(
            {
                "my_chat_member": {
                    "chat": {"id": chat_id, "type": "private"},
                    "from": _user(chat_id, "sv"),
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": BOT_USER},
                    "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
                }
            }
        )

    def group_update(self, group_id: int, kind: str = "group", text: str = "hej") -> dict[str, Any]:
        chat = {"id": group_id, "type": kind, "title": "Någon grupp"}
        if kind == "channel":
            return self._update(
                {"channel_post": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": text}}
            )
        return self._update(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": _user(7, "sv"),
                    "text": text,
                }
            }
        )

    def added_to_group_update(self, group_id: int) -> dict[str, Any]:
        return self._update(
            {
                "my_chat_member": {
                    "chat": {"id": group_id, "type": "group", "title": "Någon grupp"},
                    "from": _user(7, "sv"),
                    "date": int(time.time()),
                    "old_chat_member": {"status": "left", "user": BOT_USER},
                    "new_chat_member": {"status": "member", "user": BOT_USER},
                }
            }
        )

    def queue_for_polling(self, update: dict[str, Any]) -> None:
        self._pending_updates.append(update)
        self._changed.set()

    # --- the Bot API --------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(Call(method, params, time.monotonic()))
        self._changed.set()
        refusals = self.refusals.get(method)
        if refusals:
            status, retry_after = refusals.pop(0)
            return _error(
                status, "Too Many Requests: retry later" if status == 429 else "Refused", retry_after
            )
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} is not in the stand-in")
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _ApiError as err:
            return _error(err.status, err.description)
        self._changed.set()
        return web.json_response({"ok": True, "result": result})

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self._pending_updates = [u for u in self._pending_updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._pending_updates and timeout:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(timeout, 1.0))
        return list(self._pending_updates)

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        text = str(params["text"])
        if not text or len(text) > 4096:
            raise _ApiError(400, "Bad Request: message text is empty or too long")
        message = ChatMessage(
            self._new_message_id(chat_id), text, True, time.time(), params.get("reply_markup")
        )
        self.chats.setdefault(chat_id, {})[message.message_id] = message
        return self._message_json(chat_id, message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        message.reply_markup = params.get("reply_markup") or None
        return self._message_json(int(params["chat_id"]), message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        message.text = str(params["text"])
        message.reply_markup = params.get("reply_markup") or None
        return self._message_json(int(params["chat_id"]), message)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deleteMessages(self, params: dict[str, Any]) -> Any:
        if int(params["chat_id"]) in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise _ApiError(400, "Bad Request: too many message identifiers specified")
        chat = self.chats.get(int(params["chat_id"]), {})
        for message_id in ids:
            message = chat.get(int(message_id))
            if message is not None and time.time() - message.sent_at < 48 * 3600:
                del chat[int(message_id)]
        return True

    def _api_leaveChat(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands[params.get("language_code")] = params["commands"]
        return True

    def _api_getMyName(self, params: dict[str, Any]) -> Any:
        return {"name": self.profile["name"]}

    def _api_setMyName(self, params: dict[str, Any]) -> Any:
        self.profile["name"] = params.get("name", "")
        return True

    def _api_getMyDescription(self, params: dict[str, Any]) -> Any:
        return {"description": self.profile["description"]}

    def _api_setMyDescription(self, params: dict[str, Any]) -> Any:
        self.profile["description"] = params.get("description", "")
        return True

    def _api_getMyShortDescription(self, params: dict[str, Any]) -> Any:
        return {"short_description": self.profile["short_description"]}

    def _api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        self.profile["short_description"] = params.get("short_description", "")
        return True

    # --- helpers --------------------------------------------------------------------

    def _message(self, params: dict[str, Any]) -> ChatMessage:
        message = self.chats.get(int(params["chat_id"]), {}).get(int(params["message_id"]))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _user_message(
        self, chat_id: int, content: dict[str, Any], language_code: str | None
    ) -> dict[str, Any]:
        message = ChatMessage(self._new_message_id(chat_id), content.get("text", ""), False, time.time())
        self.chats.setdefault(chat_id, {})[message.message_id] = message
        return self._update(
            {
                "message": {
                    "message_id": message.message_id,
                    "date": int(message.sent_at),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": _user(chat_id, language_code),
                    **content,
                }
            }
        )

    def _update(self, body: dict[str, Any]) -> dict[str, Any]:
        self._next_update_id += 1
        return {"update_id": self._next_update_id, **body}

    def _message_json(self, chat_id: int, message: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(message.sent_at),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER if message.from_bot else _user(chat_id, "sv"),
        }
        if message.text:
            data["text"] = message.text
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        self.status = status
        self.description = description


def _user(user_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Anna"}
    if language_code:
        user["language_code"] = language_code
    return user


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


async def _params(request: web.Request) -> dict[str, Any]:
    """Telegram takes form fields (PTB sends them) or JSON; objects come JSON-encoded."""
    if request.content_type == "application/json":
        return dict(await request.json())
    params: dict[str, Any] = {}
    for name, value in (await request.post()).items():
        text = str(value)
        try:
            params[name] = json.loads(text) if text[:1] in "[{" else text
        except ValueError:
            params[name] = text
    return params

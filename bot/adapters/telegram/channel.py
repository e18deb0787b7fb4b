"""The Telegram channel inside Fristad's own aiohttp server: python-telegram-bot's bot,
with its updater off, fed the updates that arrive at the webhook (production) or that
Fristad polls for (development). Each update is recorded before it is acknowledged,
and handled once however often Telegram sends it."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

from aiohttp import web
from redis.asyncio import Redis
from redis.exceptions import RedisError
from telegram import BotCommand, Update
from telegram.error import TelegramError

from bot.adapters import redis_keys
from bot.adapters.metrics import count_error
from bot.adapters.telegram.delivery import TelegramDeliveries
from bot.adapters.telegram.updates import COMMANDS, TelegramUpdates, well_formed
from bot.core.translator import REFERENCE_LANGUAGE, Translator
from bot.errors import DecryptionError, StoreError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
HANDLING_SECONDS = 300  # an update being handled is not handled again meanwhile
HANDLED_SECONDS = 24 * 3600  # Telegram gives up re-sending an update long before
POLL_SECONDS = 10
MAX_POLL_PAUSE_SECONDS = 30.0  # while Telegram cannot be reached
POLL_TRIES = 3  # an update that fails this often for another reason is skipped
CLEAN_EVERY_SECONDS = 60
CONFIGURE_RETRY_SECONDS = 30
# Telegram's updates are small, but a long text in another script, JSON-escaped, with the
# message it answers, can pass the app's limit for other requests.
MAX_UPDATE_BYTES = 1024 * 1024
HANDLED = b"done"


class UpdateBusy(Exception):
    """The update is being handled by another request right now."""


@dataclass(frozen=True)
class TelegramConfig:
    webhook_url: str | None
    webhook_secret: str | None
    name: str
    description: str
    short_description: str


class TelegramChannel:
    def __init__(
        self,
        config: TelegramConfig,
        redis: Redis,
        updates: TelegramUpdates,
        deliveries: TelegramDeliveries,
        translator: Translator,
    ) -> None:
        self.config = config
        self._redis = redis
        self.updates = updates
        self.deliveries = deliveries
        self._translator = translator
        self._bot = deliveries.bot

    async def run(self, stop: asyncio.Event) -> None:
        """Everything the channel does in the background, until `stop` is set."""
        try:
            tasks = [
                asyncio.create_task(self._configure(stop), name="telegram-configure"),
                asyncio.create_task(self.deliveries.run(stop), name="telegram-deliveries"),
                asyncio.create_task(self._clean_quiet_chats(stop), name="telegram-cleaner"),
            ]
            if self.config.webhook_url is None:
                tasks.append(asyncio.create_task(self._poll(stop), name="telegram-polling"))
            await stop.wait()
            if self.config.webhook_url is None:
                tasks[-1].cancel()  # a long poll would hold the stop up
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await self._bot.shutdown()

    async def handle_once(self, update: Update) -> None:
        """Handle an update unless it was handled already; StoreError or UpdateBusy
        when it was not recorded (Telegram is to send it again)."""
        mark = redis_keys.telegram_update(update.update_id)
        try:
            if not await self._redis.set(mark, b"busy", nx=True, ex=HANDLING_SECONDS):
                if await self._redis.get(mark) == HANDLED:
                    return
                raise UpdateBusy("another request is handling this update")
        except RedisError as err:
            raise StoreError("cannot record the update") from err
        try:
            await self.updates.handle(update)
        except BaseException:
            with contextlib.suppress(RedisError):
                await self._redis.delete(mark)
            raise
        try:
            await self._redis.set(mark, HANDLED, ex=HANDLED_SECONDS)
        except RedisError as err:
            raise StoreError("cannot record the update") from err

    async def webhook(self, request: web.Request) -> web.Response:
        secret = self.config.webhook_secret or ""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not secret or not hmac.compare_digest(given, secret.encode()):
            return web.json_response(
                {"error": "forbidden", "reason": "wrong or missing secret token"}, status=403
            )
        body = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > MAX_UPDATE_BYTES:
                return web.json_response(
                    {"error": "too_large", "reason": "the update is too large"}, status=413
                )
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:  # not a bool either
                raise ValueError("not an update")
            update = Update.de_json(data, self._bot)
            if not well_formed(update):
                raise ValueError("not an update")
        # Not only ValueError and the like: the parser raises whatever bad data trips it
        # up (an OverflowError for a date past the year 9999, ...), and none of it is to
        # be sent again.
        except Exception:
            return web.json_response(
                {"error": "bad_request", "reason": "the body is not a Telegram update"}, status=400
            )
        try:
            await self.handle_once(update)
        except (StoreError, UpdateBusy) as err:
            if isinstance(err, StoreError):
                count_error(request.app, "store")
            log.warning("Telegram update not recorded (%s); Telegram will send it again", type(err).__name__)
            return web.json_response({"error": "unavailable", "reason": "try again"}, status=503)
        except TelegramError as err:
            log.warning("Telegram update not finished (%s); Telegram will send it again", type(err).__name__)
            return web.json_response({"error": "unavailable", "reason": "try again"}, status=503)
        except Exception as err:  # a defect: logged by kind only (its text may hold the update's)
            count_error(request.app, "unexpected")
            log.error("Telegram update failed (%s); Telegram will send it again", type(err).__name__)
            return web.json_response({"error": "unavailable", "reason": "try again"}, status=503)
        return web.json_response({})

    async def _poll(self, stop: asyncio.Event) -> None:
        """Development mode: ask Telegram for updates; move past one only once it is
        recorded."""
        offset: int | None = None
        pause = 1.0
        failures: dict[int, int] = {}
        while not stop.is_set():
            try:
                updates = await self._bot.get_updates(
                    offset=offset, timeout=POLL_SECONDS, allowed_updates=ALLOWED_UPDATES
                )
                for update in updates:
                    try:
                        await self.handle_once(update)
                    except Exception as err:
                        passing = isinstance(err, StoreError | UpdateBusy | TelegramError)
                        if passing and not isinstance(err, DecryptionError):
                            raise  # Redis or Telegram away: the same update again, later
                        # Fails the same way each time (a defect, unreadable data): after
                        # a few tries, the others go on.
                        failures[update.update_id] = failures.get(update.update_id, 0) + 1
                        if failures[update.update_id] < POLL_TRIES:
                            raise
                        log.error("Telegram update skipped after %d failures", POLL_TRIES)
                    offset = update.update_id + 1
                    failures.pop(update.update_id, None)
                pause = 1.0
            except Exception as err:  # polling must go on; logged by kind only
                log.warning(
                    "Telegram polling interrupted (%s); trying again in %.0f s", type(err).__name__, pause
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(pause * 2, MAX_POLL_PAUSE_SECONDS)

    async def _configure(self, stop: asyncio.Event) -> None:
        """Webhook, neutral name and descriptions, commands in every language: tried
        until Telegram has them, without holding the start up."""
        while not stop.is_set():
            try:
                await self._set_up()
                return
            except TelegramError as err:
                log.warning("cannot configure the Telegram bot yet (%s)", type(err).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CONFIGURE_RETRY_SECONDS)

    async def _set_up(self) -> None:
        bot, config = self._bot, self.config
        await bot.initialize()
        if config.webhook_url is not None:
            await bot.set_webhook(
                config.webhook_url, secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES
            )
        else:
            await bot.delete_webhook()
        # Telegram throttles these hard: set them only when they differ.
        if (await bot.get_my_name()).name != config.name:
            await bot.set_my_name(config.name)
        if (await bot.get_my_description()).description != config.description:
            await bot.set_my_description(config.description)
        if (await bot.get_my_short_description()).short_description != config.short_description:
            await bot.set_my_short_description(config.short_description)
        for language in (None, *self._translator.languages):
            commands = [
                BotCommand(name, self._translator.format(language or REFERENCE_LANGUAGE, message_id))
                for name, message_id in COMMANDS.items()
            ]
            await bot.set_my_commands(commands, language_code=language)

    async def _clean_quiet_chats(self, stop: asyncio.Event) -> None:
        """With FRISTAD_TELEGRAM_CLEAN_AFTER_HOURS: delete the messages of chats that have
        been quiet that long. The conversation itself goes on."""
        chats = self.deliveries.chats
        if not chats.clean_after_seconds:
            return
        while not stop.is_set():
            try:
                await self.clean_quiet_chats(time.time())
            except (StoreError, TelegramError) as err:
                log.warning("cannot clean quiet Telegram chats just now (%s)", type(err).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CLEAN_EVERY_SECONDS)

    async def clean_quiet_chats(self, now: float) -> int:
        """Clean the chats due by `now`; how many. Each is leased to this worker: one
        that fails, or whose worker dies, is cleaned again when the lease runs out."""
        chats = self.deliveries.chats
        cleaned = 0
        due, lease = await chats.lease_due(now)
        for key in due:
            try:
                await self.updates.clean_chat(key, forget=False)
                await chats.cleaned(key, lease)
                cleaned += 1
            except (TelegramError, StoreError) as err:
                log.warning("cannot clean a quiet Telegram chat just now (%s)", type(err).__name__)
        return cleaned

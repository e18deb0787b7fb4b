"""The Telegram channel (docs/telegram.md): python-telegram-bot inside Fristad's aiohttp
server, webhook or polling, the same flows as the web chat, and no trace in the chat
after /exit."""

from __future__ import annotations

import os

from redis.asyncio import Redis
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.adapters.crypto import ConversationKeyer, Encryptor
from bot.adapters.outbox import Outbox
from bot.adapters.telegram.channel import TelegramChannel, TelegramConfig
from bot.adapters.telegram.chats import TelegramChats
from bot.adapters.telegram.delivery import TelegramAwareReplies, TelegramDeliveries
from bot.adapters.telegram.pacing import PER_CHAT_SECONDS, RedisPacer
from bot.adapters.telegram.updates import CHANNEL, OPENER, TELEGRAM_MESSAGES, TelegramUpdates
from bot.core.dialogue import DialogueService

__all__ = [
    "TELEGRAM_MESSAGES",
    "TelegramAwareReplies",
    "TelegramChannel",
    "TelegramConfig",
    "build_telegram",
]

CONNECTIONS = 32  # to the Bot API, per worker process


def build_telegram(
    config: TelegramConfig,
    token: str,
    api_base_url: str,
    clean_after_hours: int,
    redis: Redis,
    encryptor: Encryptor,
    keyer: ConversationKeyer,
    dialogue: DialogueService,
    outbox: Outbox,
    ttl_seconds: int,
    per_chat_seconds: float = PER_CHAT_SECONDS,
) -> TelegramChannel:
    # python-telegram-bot's documented opt-in to durations as timedelta (its next major
    # version's behaviour); without it, reading RetryAfter.retry_after warns on every 429.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    pacer = RedisPacer(redis, lambda chat_id: keyer.conversation_key(CHANNEL, str(chat_id)), per_chat_seconds)
    bot: ExtBot[None] = ExtBot(
        token,
        base_url=f"{api_base_url}/bot",
        base_file_url=f"{api_base_url}/file/bot",
        request=HTTPXRequest(connection_pool_size=CONNECTIONS),
        get_updates_request=HTTPXRequest(),
        rate_limiter=pacer,  # type: ignore[arg-type]
    )
    chats = TelegramChats(redis, encryptor, ttl_seconds, clean_after_hours * 3600)
    engine = dialogue.engine  # its flows are read at each use: a publish swaps them
    deliveries = TelegramDeliveries(
        redis, bot, chats, outbox, lambda language: engine.entry.text(language, OPENER)
    )
    updates = TelegramUpdates(bot, dialogue, keyer, chats, deliveries)
    return TelegramChannel(config, redis, updates, deliveries, dialogue.engine.translator)

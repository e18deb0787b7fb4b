"""Wiring: everything a running Fristad needs, opened and closed in one place."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters.content_files import Content
from bot.adapters.content_versions import ContentVersions
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.adapters.published import PublishedContent, build_engine
from bot.adapters.rate_limit import RateLimiter
from bot.adapters.redis_connection import connect
from bot.adapters.redis_server import RedisServerProcess, embedded_redis
from bot.adapters.statistics import Statistics
from bot.adapters.telegram import TelegramAwareReplies, TelegramChannel, TelegramConfig, build_telegram
from bot.app.keys import Keys, follow_key_file, load_keys
from bot.app.settings import Settings
from bot.core.casework import Casework
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.handoff import Handoffs
from bot.core.teams import DEFAULT_LEASE_SECONDS
from bot.errors import StoreError

log = logging.getLogger(__name__)

BACKGROUND_STOP_SECONDS = 5.0
REDIS_CONNECTIONS = 64  # per worker process


@dataclass(frozen=True)
class Runtime:
    redis: Redis
    keys: Keys
    engine: Engine
    published: PublishedContent
    store: RedisConversationStore
    dialogue: DialogueService
    outbox: Outbox
    notifier: Notifier
    limiter: RateLimiter
    queue: RedisHandoffQueue
    casework: Casework | None  # None when no teams are configured
    statistics: Statistics
    telegram: TelegramChannel | None  # None when no bot token is configured


@asynccontextmanager
async def open_runtime(settings: Settings, content: Content) -> AsyncIterator[Runtime]:
    """Keys, Redis (the embedded one when REDIS_URL is unset), engine and services."""
    content.require_valid()
    keys = load_keys(settings)
    engine = build_engine(content)
    embedded: RedisServerProcess | None = None
    url = settings.redis_url
    if url is None:
        embedded = embedded_redis(settings.data_dir)
        url = embedded.url
        started = await asyncio.to_thread(embedded.start)
        log.info("embedded Redis %s", "started" if started else "already running, shared")
        if not started:
            embedded = None  # another process owns it and stops it
    redis = connect(url, REDIS_CONNECTIONS)
    published = PublishedContent(ContentVersions(redis), engine, content)
    try:
        await published.follow()  # a published version, from the first turn on
    except StoreError:
        log.warning("cannot read the published content version yet: the shipped files run until it can")
    notifier = Notifier(redis)
    outbox = Outbox(redis, keys.encryptor, settings.conversation_ttl_seconds, notifier)
    teams = content.teams
    lease = teams.lease_seconds if teams else DEFAULT_LEASE_SECONDS
    queue = RedisHandoffQueue(redis, settings.conversation_ttl_seconds, lease)
    handoffs = Handoffs(engine, queue, teams, notifier) if teams else None
    store = RedisConversationStore(
        redis, keys.encryptor, settings.conversation_ttl_seconds, settings.transcript_after_close_seconds
    )
    statistics = Statistics(redis)
    dialogue = DialogueService(engine, store, settings.messages_per_minute, handoffs, tally=statistics)
    telegram = _telegram(settings, redis, keys, dialogue, outbox)
    replies = outbox if telegram is None else TelegramAwareReplies(outbox, telegram.deliveries)
    casework = Casework(dialogue, queue, store, replies, statistics, teams) if teams else None
    stop = asyncio.Event()
    background = (
        asyncio.create_task(notifier.listen(stop), name="notifications"),
        asyncio.create_task(watch_queues(casework, stop), name="queue-watcher"),
        asyncio.create_task(published.watch(stop), name="content-watcher"),
        asyncio.create_task(
            follow_key_file(keys.encryptor, settings.encryption_keys_file, redis, stop), name="key-file"
        ),
    )
    try:
        yield Runtime(
            redis,
            keys,
            engine,
            published,
            store,
            dialogue,
            outbox,
            notifier,
            RateLimiter(redis),
            queue,
            casework,
            statistics,
            telegram,
        )
    finally:
        stop.set()
        try:
            await asyncio.wait_for(asyncio.gather(*background), BACKGROUND_STOP_SECONDS)
        except (TimeoutError, RedisError, OSError):
            log.warning("background tasks did not stop in time")
        await redis.aclose()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)


def _telegram(
    settings: Settings, redis: Redis, keys: Keys, dialogue: DialogueService, outbox: Outbox
) -> TelegramChannel | None:
    telegram = settings.telegram
    if telegram is None:
        return None
    config = TelegramConfig(
        webhook_url=telegram.webhook_url,
        webhook_secret=telegram.webhook_secret,
        name=telegram.name,
        description=telegram.description,
        short_description=telegram.short_description,
    )
    return build_telegram(
        config,
        telegram.token,
        telegram.api_base_url,
        telegram.clean_after_hours,
        redis,
        keys.encryptor,
        keys.keyer,
        dialogue,
        outbox,
        settings.conversation_ttl_seconds,
        telegram.per_chat_seconds,
    )


async def watch_queues(casework: Casework | None, stop: asyncio.Event) -> None:
    """Cases whose console died go back to the queue, and people nobody has answered
    are told so. Checked four times per lease, so a case is back at most 1.25 leases
    after its last renewal."""
    if casework is None:
        return
    teams = casework.teams
    while not stop.is_set():
        try:
            for team in teams.teams:
                for code in await casework.return_expired(team):
                    log.info("case %s returned to the queue of %s: its console stopped answering", code, team)
            await casework.tell_unanswered(time.time())
        except StoreError:
            log.warning("cannot watch the queues just now")
        except Exception as err:
            log.error("watching the queues failed: %s", type(err).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), teams.lease_seconds / 4)

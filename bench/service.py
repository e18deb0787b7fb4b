"""The dialogue service in this process, as `fristad run` builds it, on a given Redis."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from bench.common import ROOT
from bot.adapters.content_files import Content, load_content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import ConversationKeyer, Encryptor
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.messages import Incoming
from bot.core.translator import Translator

TTL_SECONDS = 30 * 24 * 3600  # the default conversation TTL

# A round through the shipped flow that ends where it began, with one free-text turn.
ROUND = (
    Incoming("", choice="safe"),
    Incoming("", choice="continue"),
    Incoming("", choice="exposed"),
    Incoming("", choice="sheltered_housing"),
    Incoming("", choice="back"),
    Incoming("", text="jag oroar mig för min syster"),
    Incoming("", choice="police"),
    Incoming("", choice="back"),
    Incoming("", choice="uses_violence"),
    Incoming("", choice="atv"),
    Incoming("", choice="global:restart"),
)


def content() -> Content:
    return load_content(ROOT / "flows", ROOT / "locales").require_valid()


@asynccontextmanager
async def store(url: str, encryptor: Encryptor | None = None) -> AsyncIterator[RedisConversationStore]:
    # Not `fristad run`'s blocking pool: its 5-second wait for a connection fails the
    # naive engine's turns on a busy machine; this pool opens one per waiting turn.
    redis = Redis.from_url(url)
    try:
        yield RedisConversationStore(redis, encryptor or Encryptor("k1", {"k1": os.urandom(32)}), TTL_SECONDS)
    finally:
        await redis.aclose()


async def web_conversations(url: str, env: dict[str, str], count: int) -> list[str]:
    """Tokens of `count` new web chat conversations of the `fristad run` started with
    `env`, made here with its keys: as POST /api/v1/conversations makes them, at about
    three times the pace (the load generator would otherwise wait half a minute for
    10,000 of them on a busy 2-core machine)."""
    key_id, _, key = env["FRISTAD_ENCRYPTION_KEYS"].partition(":")
    keyer = ConversationKeyer(base64.urlsafe_b64decode(env["FRISTAD_HMAC_KEY"]))
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    async with store(url, Encryptor(key_id, {key_id: base64.urlsafe_b64decode(key)})) as conversations:
        service = DialogueService(engine(content()), conversations)
        for batch in range(0, count, 64):
            await asyncio.gather(
                *(
                    service.handle(
                        Incoming(keyer.conversation_key("web", t), language_hint="sv", channel="web")
                    )
                    for t in tokens[batch : batch + 64]
                )
            )
    return tokens


def engine(shipped: Content) -> Engine:
    return Engine(shipped.flows, Translator(shipped.catalogues))


async def talk(service: DialogueService, key: str, turns: int) -> None:
    """A new conversation, then `turns` turns of ROUND."""
    await service.handle(Incoming(key, language_hint="sv"))
    for i in range(turns):
        step = ROUND[i % len(ROUND)]
        await service.handle(Incoming(key, text=step.text, choice=step.choice))

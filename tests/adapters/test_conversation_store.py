"""The conversation store against a real Redis."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from bot.adapters import redis_keys
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.messages import Reply
from tests.conftest import TTL_SECONDS

KEY = "a" * 64


def conversation(**changes: Any) -> Conversation:
    return replace(Conversation(KEY, "main", "v1", "start", "sv"), **changes)


async def all_keys(redis: Redis) -> list[bytes]:
    return [key async for key in redis.scan_iter(match="*")]


async def test_a_saved_conversation_loads_back(store: RedisConversationStore) -> None:
    assert await store.load(KEY) is None
    details = {"state": "atv", "language": "ar", "status": "waiting", "team": "support", "danger": True}
    saved = conversation(**details, municipality="taby")
    assert await store.save(saved, [TranscriptEntry("user", "hej")])
    assert await store.load(KEY) == conversation(**details, municipality="taby", revision=1)


async def test_a_save_from_a_stale_revision_is_refused(store: RedisConversationStore) -> None:
    assert await store.save(conversation(), [])
    assert await store.save(conversation(revision=1, state="atv"), [])
    assert not await store.save(conversation(revision=1, state="other"), [TranscriptEntry("user", "lost?")])
    loaded = await store.load(KEY)
    assert loaded is not None
    assert (loaded.state, loaded.revision) == ("atv", 2)
    assert [r.text for r in await store.transcript(KEY)] == []


async def test_the_transcript_is_encrypted_at_rest_and_readable_through_the_store(
    store: RedisConversationStore, redis: Redis
) -> None:
    entries = [TranscriptEntry("user", "Han har slagit mig"), TranscriptEntry("bot", "Det är inte ditt fel")]
    await store.save(conversation(), entries)
    raw = await redis.lrange(redis_keys.conversation_transcript(KEY), 0, -1)  # type: ignore[misc]
    assert len(raw) == 1  # one entry per turn
    for value in raw:
        assert value.startswith(b"k1$")
        assert b"slagit" not in value
        assert b"ditt fel" not in value
    records = await store.transcript(KEY)
    assert [(r.speaker, r.text) for r in records] == [(e.speaker, e.text) for e in entries]
    assert all(r.at > 0 for r in records)


async def use_every_key(store: RedisConversationStore, outbox: Outbox, key: str = KEY) -> None:
    """State, transcript, turn counts and a later reply: every kind of key there is."""
    await store.save(replace(conversation(), key=key), [TranscriptEntry("user", "hej")])
    await store.load_for_turn(key)
    await outbox.publish(key, Reply("Hej, jag heter Sara.", "sv", "ltr"))
    await store.add_note(key, "sara", "Ringer tillbaka i morgon")


@pytest.fixture
def outbox(redis: Redis, encryptor: Encryptor) -> Outbox:
    return Outbox(redis, encryptor, TTL_SECONDS, Notifier(redis))


async def test_every_key_of_a_conversation_expires(
    store: RedisConversationStore, outbox: Outbox, redis: Redis
) -> None:
    await use_every_key(store, outbox)
    keys = await all_keys(redis)
    assert sorted(keys) == sorted(k.encode() for k in redis_keys.conversation_keys(KEY))
    for key in keys:
        ttl = await redis.ttl(key)
        assert 0 < ttl <= TTL_SECONDS, key


async def test_keys_of_one_conversation_share_a_cluster_slot() -> None:
    slots = {key_slot(k.encode()) for k in redis_keys.conversation_keys(KEY)}
    assert len(slots) == 1


async def test_forget_leaves_no_key_of_the_conversation(
    store: RedisConversationStore, outbox: Outbox, redis: Redis
) -> None:
    await use_every_key(store, outbox)
    await use_every_key(store, outbox, "b" * 64)
    await store.forget(KEY)
    remaining = await all_keys(redis)
    assert not [k for k in remaining if KEY.encode() in k]
    assert remaining  # the other conversation is untouched
    assert await store.load(KEY) is None


async def test_a_turn_racing_a_forget_does_not_bring_the_conversation_back(
    store: RedisConversationStore,
) -> None:
    await store.save(conversation(), [])
    await store.forget(KEY)
    assert not await store.save(conversation(revision=1, state="atv"), [TranscriptEntry("user", "x")])
    assert await store.load(KEY) is None


async def test_turns_are_counted_per_minute_and_only_for_a_conversation_that_exists(
    store: RedisConversationStore,
) -> None:
    assert await store.load_for_turn(KEY) == (None, 0)
    await store.save(conversation(), [])
    counts = [(await store.load_for_turn(KEY))[1] for _ in range(3)]
    assert counts == [1, 2, 3]
    loaded, _ = await store.load_for_turn(KEY)
    assert loaded == conversation(revision=1)

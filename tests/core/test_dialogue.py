"""Whole conversations through the dialogue service, the shipped flow and a real Redis."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter, deque
from collections.abc import Sequence

import pytest
from redis.asyncio import Redis

from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.flow import Flow
from bot.core.messages import Incoming, Reply
from bot.errors import StoreError
from tests.conftest import TTL_SECONDS
from tests.helpers.content import SHIPPED_LANGUAGES

LANGUAGES = ("sv", "en", "ar")


def shortest_choices(flow: Flow) -> dict[str, list[str]]:
    """For each state, the option ids that reach it from the start state."""
    paths: dict[str, list[str]] = {flow.start: []}
    queue = deque([flow.start])
    while queue:
        state = queue.popleft()
        for option in flow.states[state].options:
            if option.goto not in paths:
                paths[option.goto] = [*paths[state], option.id]
                queue.append(option.goto)
    for action in flow.global_actions.values():
        if action.goto and action.goto not in paths:
            paths[action.goto] = [f"global:{action.name}"]
    return paths


def every_edge(flow: Flow) -> list[tuple[str, str, str]]:
    """(from state, choice, to state) for every option and global action of every state."""
    edges = []
    for state in flow.states.values():
        edges += [(state.name, option.id, option.goto) for option in state.options]
        edges += [(state.name, f"global:{a.name}", a.goto) for a in flow.global_actions.values() if a.goto]
    return edges


def assert_says_state(engine: Engine, replies: tuple[Reply, ...], state_name: str, language: str) -> None:
    flow = engine.entry.flow
    state = flow.states[state_name]
    catalogue = engine.translator.catalogue(language)
    # No local numbers are set here: a message that needs one gives way to its general route.
    said = [ref.otherwise if ref.if_set else ref.id for ref in state.say]
    expected = [
        engine.translator.format(language, message_id, {**flow.variables, **ref.vars})
        for message_id, ref in zip(said, state.say, strict=True)
        if message_id is not None
    ]
    assert [r.text for r in replies] == expected
    assert all(m in catalogue.message_ids for m in said if m), "said in another language"
    assert all(r.text.strip() and r.language == language for r in replies)
    labels = [o.label for o in replies[-1].options]
    assert labels == [engine.translator.format(language, o.label) for o in state.options]
    assert "global:danger" in [a.id for a in replies[-1].actions]


async def walk(dialogue: DialogueService, key: str, language: str, choices: list[str]) -> None:
    """Start a conversation in a language and make the choices, checking each step."""
    engine = dialogue.engine
    flow = engine.entry.flow
    replies = await dialogue.handle(Incoming(key, language_hint=language))
    assert_says_state(engine, replies, flow.start, language)
    for choice in choices:
        replies = await dialogue.handle(Incoming(key, choice=choice))
        assert all(r.text.strip() and r.language == language for r in replies)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_option_and_global_action_of_every_state_in_each_language(
    dialogue: DialogueService, store: RedisConversationStore, language: str
) -> None:
    engine = dialogue.engine
    flow = engine.entry.flow
    paths = shortest_choices(flow)
    edges = every_edge(flow)
    assert len(edges) > len(flow.states) * 4
    for number, (source, choice, target) in enumerate(edges):
        key = f"{language}-{number}"
        await walk(dialogue, key, language, paths[source])
        replies = await dialogue.handle(Incoming(key, choice=choice))
        assert_says_state(engine, replies, target, language)
        stored = await store.load(key)
        assert stored is not None
        assert stored.state == target
        # Danger keeps a waiting person's place in the queue; every other way out leaves it.
        keeps_place = flow.states[target].danger and flow.states[source].is_terminal
        assert stored.status == ("waiting" if flow.states[target].is_terminal or keeps_place else "bot")
        if flow.states[target].danger:
            assert stored.danger


@pytest.mark.parametrize("language", LANGUAGES)
async def test_language_menu_and_forget_work_from_every_state(
    dialogue: DialogueService, store: RedisConversationStore, language: str
) -> None:
    engine = dialogue.engine
    flow = engine.entry.flow
    other = "en" if language == "sv" else "sv"
    for state, path in shortest_choices(flow).items():
        key = f"{language}-{state}"
        await walk(dialogue, key, language, path)
        menu = await dialogue.handle(Incoming(key, choice="global:language"))
        assert menu[0].text == engine.translator.format(language, "engine-choose-language")
        assert {o.id for o in menu[0].options} == {f"language:{lang}" for lang in SHIPPED_LANGUAGES}
        replies = await dialogue.handle(Incoming(key, choice=f"language:{other}"))
        assert_says_state(engine, replies, state, other)
        forgotten = await dialogue.handle(Incoming(key, choice="global:forget"))
        assert forgotten[0].text == engine.translator.format(other, "engine-forgotten")
        assert await store.load(key) is None
        assert await store.transcript(key) == []


async def test_a_scripted_conversation_by_free_text(
    dialogue: DialogueService, store: RedisConversationStore, redis: Redis
) -> None:
    key = "typed"
    first = await dialogue.handle(Incoming(key, text="hej", language_hint="sv-SE"))
    assert first[0].text.startswith("Hej!")
    script = [
        ("ja", "safe"),
        ("fortsätt", "who_are_you"),
        ("jag oroar mig för min syster", "worried"),
        ("vad är skyddat boende?", "sheltered_housing"),
        ("asdfgh", "sheltered_housing"),  # not understood: the state stays
        ("gå tillbaka", "who_are_you"),
        ("HAN ÄR HÄR NU!", "danger_now"),  # danger words from anywhere
        ("prata med någon", "talk_to_person"),
        ("jag väntar", "talk_to_person"),
    ]
    for text, state in script:
        replies = await dialogue.handle(Incoming(key, text=text))
        assert replies, text
        stored = await store.load(key)
        assert stored is not None
        assert stored.state == state, text
    assert stored.danger is True  # a person who was in danger goes first in the queue later
    assert stored.status == "waiting"
    assert stored.team == "support"
    transcript = await store.transcript(key)
    said = [r.text for r in transcript if r.speaker == "user"]
    assert said == ["hej", *(text for text, _ in script)]
    assert any("112" in r.text for r in transcript if r.speaker == "bot")


class ForgetDuringTurn(RedisConversationStore):
    """The real store, where "forget me" arrives between a turn's load and its save."""

    async def save(self, conversation: Conversation, transcript: Sequence[TranscriptEntry]) -> bool:
        await self.forget(conversation.key)
        return await super().save(conversation, transcript)


async def test_a_turn_running_while_the_person_forgets_does_not_bring_anything_back(
    dialogue: DialogueService, store: RedisConversationStore, redis: Redis, encryptor: Encryptor
) -> None:
    await dialogue.handle(Incoming("k", language_hint="sv"))
    racing = DialogueService(dialogue.engine, ForgetDuringTurn(redis, encryptor, TTL_SECONDS))
    assert await racing.handle(Incoming("k", text="han slog mig igår")) == ()
    assert [key async for key in redis.scan_iter(match="*")] == []


class SlowTally:
    """Records each round trip to the statistics; each takes a moment, as over a network."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.fail = fail

    async def count(self, *names: str) -> None:
        await asyncio.sleep(0.01)
        if self.fail is not None:
            raise self.fail
        self.calls.append(names)


async def test_counts_of_turns_that_end_together_share_one_round_trip(
    shipped_engine: Engine, store: RedisConversationStore
) -> None:
    tally = SlowTally()
    dialogue = DialogueService(shipped_engine, store, tally=tally)
    keys = [f"batch-{secrets.token_hex(8)}" for _ in range(20)]
    await asyncio.gather(*(dialogue.handle(Incoming(k, language_hint="sv", channel="web")) for k in keys))
    counted = [name for names in tally.calls for name in names]
    # Every turn's counts, each once, in fewer round trips than turns.
    assert Counter(counted) == {"started:channel:web": 20, "started:language:sv": 20}
    assert len(tally.calls) < len(keys)


async def test_a_turn_returns_only_once_its_counts_are_sent(
    shipped_engine: Engine, store: RedisConversationStore
) -> None:
    tally = SlowTally()
    dialogue = DialogueService(shipped_engine, store, tally=tally)
    for n in range(3):  # one after another: each its own round trip, done when it returns
        await dialogue.handle(Incoming(f"alone-{secrets.token_hex(8)}", language_hint="sv", channel="web"))
        assert len(tally.calls) == n + 1


async def test_a_failed_count_fails_no_turn_of_its_batch(
    shipped_engine: Engine, store: RedisConversationStore, caplog: pytest.LogCaptureFixture
) -> None:
    tally = SlowTally(fail=StoreError("cannot count"))
    dialogue = DialogueService(shipped_engine, store, tally=tally)
    keys = [f"unlucky-{secrets.token_hex(8)}" for _ in range(5)]
    with caplog.at_level(logging.WARNING, logger="bot.core.dialogue"):
        answered = await asyncio.gather(
            *(dialogue.handle(Incoming(k, language_hint="sv", channel="web")) for k in keys)
        )
    assert all(answered)
    assert all([await store.load(k) is not None for k in keys])
    assert caplog.records
    assert all(r.getMessage() == "statistics not counted: StoreError" for r in caplog.records)


async def test_an_unexpected_error_of_the_tally_reaches_every_turn_of_its_batch(
    shipped_engine: Engine, store: RedisConversationStore
) -> None:
    dialogue = DialogueService(shipped_engine, store, tally=SlowTally(fail=RuntimeError("bug")))
    keys = [f"bug-{secrets.token_hex(8)}" for _ in range(3)]
    results = await asyncio.gather(
        *(dialogue.handle(Incoming(k, language_hint="sv", channel="web")) for k in keys),
        return_exceptions=True,
    )
    assert [type(r) for r in results] == [RuntimeError] * 3

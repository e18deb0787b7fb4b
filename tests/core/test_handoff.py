"""Asking for a person, through the dialogue service with the real store and queue:
routed to the team, told the place in the queue or that nobody is there, and taken out
of the queue on leaving or forgetting."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from redis.asyncio import Redis

from bot.adapters.content_files import Content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.handoff import Case, Handoffs, case_code
from bot.core.messages import Incoming
from bot.core.teams import parse_teams
from bot.core.translator import Translator
from tests.conftest import TTL_SECONDS
from tests.helpers.content import ROOT

MONDAY_TEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm: open
SUNDAY = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # closed

TEAMS = """
timezone: Europe/Stockholm
teams:
  support:
    service: support
    name: Relationsvåldsteamet
    default: true
    hours: {mon: "08:00-16:30"}
  support_lidingo:
    service: support
    name: Lidingö socialtjänst
    municipalities: [lidingo]
    hours: {mon: "08:00-16:30"}
  atv:
    service: atv
    name: ATV Täby
    default: true
    hours: {mon: "08:00-16:30"}
"""


@pytest.fixture
def queue(redis: Redis) -> RedisHandoffQueue:
    return RedisHandoffQueue(redis, TTL_SECONDS, lease_seconds=30)


def service_at(
    now: datetime, content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> DialogueService:
    engine = Engine(content.flows, Translator(content.catalogues))
    teams, problems = parse_teams(yaml.safe_load(TEAMS), "teams.yaml", content.flows)
    assert teams is not None, problems
    handoffs = Handoffs(engine, queue, teams, Notifier(redis))
    return DialogueService(engine, store, handoffs=handoffs, clock=lambda: now)


async def ask_for_a_person(
    dialogue: DialogueService, key: str, *choices: str, ask: str = "global:person"
) -> list[str]:
    await dialogue.handle(Incoming(key, language_hint="sv"))
    replies = ()
    for choice in (*choices, ask):
        replies = await dialogue.handle(Incoming(key, choice=choice))
    return [r.text for r in replies]


async def test_asking_for_a_person_queues_the_case_with_the_team_and_says_the_place(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    first = await ask_for_a_person(dialogue, "first", "safe", "continue", "exposed", "police")
    second = await ask_for_a_person(dialogue, "second")
    assert first[-1] == "Du är nummer 1 i kön."
    assert second[-1] == "Du är nummer 2 i kön."
    waiting = await queue.waiting("support")
    assert [c.code for c in waiting] == [case_code("first"), case_code("second")]
    assert waiting[0].topic == "police"  # what the person read last, for the caseworker
    assert waiting[0].language == "sv"
    stored = await store.load("first")
    assert stored is not None
    assert (stored.status, stored.team) == ("waiting", "support")


async def test_outside_office_hours_the_person_is_told_and_given_the_24_7_lines(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(SUNDAY, shipped_content, store, queue, redis)
    said = await ask_for_a_person(dialogue, "k")
    assert said[-1].startswith("Just nu är ingen från Relationsvåldsteamet på plats.")
    assert "020-50 50 50" in said[-1]
    assert "112" in said[-1]
    assert [c.code for c in await queue.waiting("support")] == [case_code("k")]  # and may keep waiting


async def test_the_municipality_routes_to_its_team(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    await ask_for_a_person(
        dialogue, "k", "safe", "continue", "topics", "topics_more", "municipality", "lidingo"
    )
    assert [c.code for c in await queue.waiting("support_lidingo")] == [case_code("k")]
    assert await queue.waiting("support") == []
    await ask_for_a_person(dialogue, "a", "safe", "continue", "uses_violence", ask="talk_to_atv")
    assert [c.code for c in await queue.waiting("atv")] == [case_code("a")]


async def test_danger_while_waiting_moves_the_case_first_and_keeps_it_in_line(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    await ask_for_a_person(dialogue, "first")
    await ask_for_a_person(dialogue, "second")
    replies = await dialogue.handle(Incoming("second", text="han är här nu"))
    assert replies[0].text.startswith("Ring 112 nu")
    assert [c.code for c in await queue.waiting("support")] == [case_code("second"), case_code("first")]
    assert (await queue.waiting("support"))[0].danger


@pytest.mark.parametrize("leave", ["back", "global:forget", "global:restart"])
async def test_leaving_the_queue_or_forgetting_takes_the_case_out(
    leave: str,
    shipped_content: Content,
    store: RedisConversationStore,
    queue: RedisHandoffQueue,
    redis: Redis,
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    await ask_for_a_person(dialogue, "k")
    await dialogue.handle(Incoming("k", choice=leave))
    assert await queue.waiting("support") == []
    assert await queue.case("support", case_code("k")) is None


async def test_text_while_waiting_keeps_the_case_in_line_once(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    await ask_for_a_person(dialogue, "k")
    for text in ("hej", "är någon där?", "hallå"):
        replies = await dialogue.handle(Incoming("k", text=text))
        assert replies[0].text.startswith("Tack. Ditt meddelande är sparat.")
    assert [c.code for c in await queue.waiting("support")] == [case_code("k")]


def test_every_flow_handoff_has_a_default_team(shipped_content: Content) -> None:
    data = yaml.safe_load((ROOT / "config" / "teams.yaml").read_text(encoding="utf-8"))
    teams, problems = parse_teams(data, "config/teams.yaml", shipped_content.flows)
    assert problems == []
    assert teams is not None
    assert {t.service for t in teams.teams.values() if t.default} == {"support", "atv"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone: is not a known time zone"),
        ({"teams": {"x": {"service": "support", "hours": {"monday": "08-16"}}}}, "teams.x.hours.monday"),
        (
            {"teams": {"x": {"service": "support", "default": True, "hours": {"mon": "16:00-08:00"}}}},
            "closes before it opens",
        ),
        (
            {"teams": {"x": {"service": "atv", "default": True}}},
            "no default team answers the handoff 'support'",
        ),
        (
            {"teams": {"x": {"service": "support", "default": True, "municipalities": ["stockholm"]}}},
            "'stockholm' is not a municipality",
        ),
    ],
)
def test_wrong_team_settings_are_reported(
    change: dict[str, object], reason: str, shipped_content: Content, tmp_path: Path
) -> None:
    data = {**yaml.safe_load(TEAMS), **change}
    teams, problems = parse_teams(data, "teams.yaml", shipped_content.flows)
    assert teams is None
    assert any(reason in str(p) for p in problems), problems


async def test_the_typical_wait_of_recent_cases_is_told_as_an_estimate(
    shipped_content: Content, store: RedisConversationStore, queue: RedisHandoffQueue, redis: Redis
) -> None:
    dialogue = service_at(MONDAY_TEN, shipped_content, store, queue, redis)
    first = await ask_for_a_person(dialogue, "first")
    assert len(first) == 2  # no history yet: no estimate, rather than a made-up one
    for number, waited in enumerate((300, 420, 900)):  # earlier cases waited 5, 7 and 15 minutes
        code = f"OLD{number}"
        await queue.enqueue(
            Case(code, "support", f"c{number}", "sv", "", False, time.time() - waited, "waiting")
        )
        await queue.claim("support", code, "sara")
    said = await ask_for_a_person(dialogue, "second")
    assert said[-2:] == ["Du är nummer 2 i kön.", "Det brukar ta ungefär 7 minuter innan någon svarar."]


@pytest.mark.parametrize(
    ("language", "minutes", "expected"), [("ar", 2, "دقيقتين"), ("uk", 3, "3 хвилини"), ("uk", 5, "5 хвилин")]
)
def test_the_estimate_uses_each_languages_plural_forms(
    language: str, minutes: int, expected: str, shipped_content: Content
) -> None:
    text = Translator(shipped_content.catalogues).format(language, "handoff-estimate", {"minutes": minutes})
    assert expected in text.replace("\u2068", "").replace("\u2069", "")

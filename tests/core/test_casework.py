"""A caseworker's actions on a case, with the real store, queue, replies and statistics:
what the caseworker may do, and what the help-seeker sees of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
import yaml
from redis.asyncio import Redis

from bot.adapters.content_files import Content, check_content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.adapters.published import build_engine
from bot.adapters.statistics import Statistics
from bot.core.casework import Casework
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.handoff import CASE_NEWS, Handoffs, case_code
from bot.core.messages import Incoming
from bot.core.teams import parse_teams
from bot.core.translator import Translator
from bot.errors import CaseNotFound, NotYourCase
from tests.conftest import TTL_SECONDS
from tests.helpers.content import ROOT

MONDAY_TEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KEY = "person"
CODE = case_code(KEY)


@dataclass
class World:
    dialogue: DialogueService
    casework: Casework
    queue: RedisHandoffQueue
    outbox: Outbox
    store: RedisConversationStore
    notifier: Notifier
    statistics: Statistics

    async def later_replies(self) -> list[str]:
        return [reply.text for _, reply in await self.outbox.after(KEY, "0")]


@pytest.fixture
async def world(shipped_content: Content, redis: Redis, encryptor: Encryptor) -> AsyncIterator[World]:
    store = RedisConversationStore(redis, encryptor, TTL_SECONDS)
    queue = RedisHandoffQueue(redis, TTL_SECONDS, lease_seconds=30)
    notifier = Notifier(redis)
    outbox = Outbox(redis, encryptor, TTL_SECONDS, notifier)
    engine = Engine(shipped_content.flows, Translator(shipped_content.catalogues))
    teams, problems = parse_teams(
        yaml.safe_load((ROOT / "config" / "teams.yaml").read_text(encoding="utf-8")),
        "teams",
        shipped_content.flows,
    )
    assert teams is not None, problems
    dialogue = DialogueService(
        engine, store, handoffs=Handoffs(engine, queue, teams, notifier), clock=lambda: MONDAY_TEN
    )
    statistics = Statistics(redis)
    casework = Casework(dialogue, queue, store, outbox, statistics, teams)
    stop = asyncio.Event()
    listening = asyncio.create_task(notifier.listen(stop))
    await dialogue.handle(Incoming(KEY, language_hint="sv"))
    await dialogue.handle(Incoming(KEY, choice="global:person"))
    yield World(dialogue, casework, queue, outbox, store, notifier, statistics)
    stop.set()
    await listening


async def test_a_claim_puts_the_person_in_touch_and_only_once(world: World) -> None:
    case = await world.casework.claim("support", CODE, "sara")
    assert (case.status, case.owner) == ("claimed", "sara")
    with pytest.raises(NotYourCase):
        await world.casework.claim("support", CODE, "omar")
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert conversation.status == "talking"
    (said,) = await world.outbox.after(KEY, "0")
    assert said[1].text == "Nu skriver du med en person från Relationsvåldsteamet. Skriv när du vill."
    assert [o.label for o in said[1].options] == ["Avsluta samtalet"]
    assert "global:danger" in [a.id for a in said[1].actions]  # still one tap away


async def test_messages_go_both_ways_and_into_the_transcript(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    async with world.notifier.waiting(CASE_NEWS, KEY) as news:
        await asyncio.sleep(0.3)  # the listener has subscribed
        replies = await world.dialogue.handle(Incoming(KEY, text="Jag vet inte vad jag ska göra"))
        assert replies == ()  # the caseworker answers, not the bot
        await asyncio.wait_for(news.wait(), 5)  # and the console is woken, in any process
    await world.casework.reply("support", CODE, "sara", "Jag finns här. Berätta i din egen takt.")
    assert (await world.later_replies())[-1] == "Jag finns här. Berätta i din egen takt."
    said = [(r.speaker, r.text) for r in await world.store.transcript(KEY)]
    assert ("user", "Jag vet inte vad jag ska göra") in said
    assert said[-1] == ("caseworker", "Jag finns här. Berätta i din egen takt.")


async def test_only_the_owner_can_answer_and_nobody_after_the_person_left(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    with pytest.raises(NotYourCase):
        await world.casework.reply("support", CODE, "omar", "Hej")
    await world.dialogue.handle(Incoming(KEY, choice="back"))  # "Avsluta samtalet"
    assert await world.queue.case("support", CODE) is None
    with pytest.raises(CaseNotFound):
        await world.casework.reply("support", CODE, "sara", "Hallå?")
    with pytest.raises(CaseNotFound):
        await world.casework.claim("support", CODE, "sara")


async def test_ending_says_goodbye_and_offers_the_menu(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.casework.end("support", CODE, "sara")
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert (conversation.status, conversation.state, conversation.team) == ("bot", "who_are_you", None)
    (_, goodbye) = (await world.outbox.after(KEY, "0"))[-1]
    assert goodbye.text.startswith("Relationsvåldsteamet har avslutat samtalet.")
    assert "exposed" in [o.id for o in goodbye.options]
    assert await world.queue.case("support", CODE) is None
    # The bot answers again.
    replies = await world.dialogue.handle(Incoming(KEY, choice="exposed"))
    assert replies[0].text.startswith("Det som händer dig är inte ditt fel.")


async def test_giving_back_puts_the_case_in_its_place_in_the_queue(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.casework.release("support", CODE, "sara")
    assert [c.code for c in await world.queue.waiting("support")] == [CODE]
    replies = await world.dialogue.handle(Incoming(KEY, text="hallå?"))
    assert replies[0].text.startswith("Tack. Ditt meddelande är sparat.")
    assert (await world.later_replies())[-1].startswith("Du står i kön igen")


async def test_a_case_moved_to_another_team_waits_in_its_queue(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.casework.transfer("support", CODE, "sara", "atv")
    assert [c.code for c in await world.queue.waiting("atv")] == [CODE]
    assert await world.queue.case("support", CODE) is None
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert (conversation.status, conversation.team) == ("waiting", "atv")
    assert (await world.later_replies())[-1] == "Ditt samtal har flyttats till ATV Täby. Du står i deras kö."
    with pytest.raises(CaseNotFound):
        await world.casework.transfer("atv", CODE, "sara", "nowhere")


async def test_notes_are_kept_encrypted_and_outcomes_only_counted(world: World, redis: Redis) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.casework.note("support", CODE, "sara", "Vill ha kontakt om skyddat boende")
    assert [(by, text) for _, by, text in await world.store.notes(KEY)] == [
        ("sara", "Vill ha kontakt om skyddat boende")
    ]
    for key in [k async for k in redis.scan_iter(match="*")]:
        if await redis.type(key) == b"list":
            assert all(b"skyddat boende" not in v for v in await redis.lrange(key, 0, -1))
    await world.casework.record_outcome("support", CODE, "sara", "sheltered_housing")
    today = MONDAY_TEN.strftime("%Y-%m-%d")
    counts = await world.statistics.counts(today) or await world.statistics.counts(
        datetime.now(UTC).strftime("%Y-%m-%d")
    )
    # The claim counted its wait (none: the clock stands still here), the outcome its own.
    assert counts == {"wait:support:1": 1, "outcome:support:sheltered_housing": 1}
    with pytest.raises(CaseNotFound):
        await world.casework.record_outcome("support", CODE, "sara", "Hon ville inte")  # no free text


async def test_forget_in_the_middle_of_a_case_ends_it(world: World, redis: Redis) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.dialogue.handle(Incoming(KEY, choice="global:forget"))
    assert await world.queue.case("support", CODE) is None
    assert not [k async for k in redis.scan_iter(match=f"*{KEY}*")]
    with pytest.raises(CaseNotFound):
        await world.casework.note("support", CODE, "sara", "x")


async def test_a_person_nobody_answers_is_told_once_with_the_lines_open_day_and_night(world: World) -> None:
    case = await world.queue.case("support", CODE)
    assert case is not None
    assert await world.casework.tell_unanswered(case.asked_at + 60) == 0  # not yet
    later = case.asked_at + world.casework.teams.no_answer_seconds + 1
    assert await world.casework.tell_unanswered(later) == 1
    assert await world.casework.tell_unanswered(later + 600) == 0  # once
    (_, told) = (await world.outbox.after(KEY, "0"))[-1]
    assert told.text.startswith("Ingen har kunnat svara dig ännu.")
    assert "020-50 50 50" in told.text
    assert [o.id for o in told.options] == ["back"]  # keep waiting, or leave the queue
    assert [c.code for c in await world.queue.waiting("support")] == [CODE]


async def test_a_claim_whose_console_died_puts_the_person_back_in_line_and_says_so(
    world: World, redis: Redis
) -> None:
    short = RedisHandoffQueue(redis, TTL_SECONDS, lease_seconds=0.2)
    casework = Casework(
        world.dialogue, short, world.store, world.outbox, world.statistics, world.casework.teams
    )
    await casework.claim("support", CODE, "sara")
    await asyncio.sleep(0.3)  # Sara's console stopped renewing
    assert await casework.return_expired("support") == [CODE]
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert conversation.status == "waiting"
    assert (await world.later_replies())[-1].startswith("Du står i kön igen")
    replies = await world.dialogue.handle(Incoming(KEY, text="Hallå?"))
    assert replies[0].text.startswith("Tack. Ditt meddelande är sparat.")  # not silence


async def test_a_claim_at_the_moment_the_person_leaves_changes_nothing_for_the_person(world: World) -> None:
    # The person has just left (the conversation is with the bot again) but the case is
    # still in the queue for a moment.
    await world.dialogue.update(KEY, lambda c: replace(c, status="bot", team=None, state="who_are_you"))
    with pytest.raises(CaseNotFound):
        await world.casework.claim("support", CODE, "sara")
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert conversation.status == "bot"
    assert await world.queue.case("support", CODE) is None
    assert await world.later_replies() == []


async def test_telling_an_ended_case_brings_no_key_back(world: World, redis: Redis) -> None:
    await world.queue.remove("support", CODE)
    assert not await world.queue.mark_told("support", CODE)
    assert not [k async for k in redis.scan_iter(match=f"*case:{CODE}*")]


async def test_a_case_given_back_and_taken_again_counts_its_wait_once(world: World) -> None:
    await world.casework.claim("support", CODE, "sara")
    await world.casework.release("support", CODE, "sara")
    await world.casework.claim("support", CODE, "omar")
    counts = await world.statistics.counts(datetime.now(UTC).strftime("%Y-%m-%d"))
    assert counts["wait:support:1"] == 1


async def test_a_publish_that_removed_the_handoff_state_leaves_cases_workable(
    world: World, shipped_content: Content
) -> None:
    # The person waits in "talk_to_person"; a publish renames that state.
    files = dict(shipped_content.files)
    files["flows/main.yaml"] = files["flows/main.yaml"].replace("talk_to_person", "talk_to_someone")
    renamed = check_content(files, shipped_content.deployment)
    assert not renamed.problems
    world.dialogue.engine.take_content(build_engine(renamed))
    case = await world.queue.case("support", CODE)
    assert case is not None
    later = case.asked_at + world.casework.teams.no_answer_seconds + 1
    assert await world.casework.tell_unanswered(later) == 1  # told, with a handoff state's choices
    await world.casework.claim("support", CODE, "sara")
    assert (await world.later_replies())[-1].startswith("Nu skriver du med en person")
    await world.casework.end("support", CODE, "sara")
    assert "har avslutat samtalet" in (await world.later_replies())[-1]
    conversation = await world.store.load(KEY)
    assert conversation is not None
    assert conversation.status == "bot"

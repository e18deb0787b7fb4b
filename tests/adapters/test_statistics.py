"""The municipality's statistics, counted from a scripted set of conversations run through
the real dialogue service, shipped flow, handoff queue and casework on a real Redis: the
exact counts, the waiting times, the CSV, and that nothing but counts is stored."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import yaml
from redis.asyncio import Redis

from bot.adapters import redis_keys
from bot.adapters.admin.charts import bar_chart, daily_chart
from bot.adapters.content_files import Content
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import Encryptor
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.adapters.outbox import Outbox
from bot.adapters.redis_server import free_port
from bot.adapters.statistics import Report, Statistics, quantile, to_csv
from bot.adapters.telegram.updates import CHANNEL as TELEGRAM
from bot.adapters.web_chat.context import CHANNEL as WEB
from bot.core.casework import Casework, wait_bucket
from bot.core.dialogue import DialogueService
from bot.core.engine import Engine
from bot.core.flow import parse_flow
from bot.core.handoff import Handoffs, case_code
from bot.core.messages import Incoming
from bot.core.teams import parse_teams
from bot.core.translator import Translator
from tests.conftest import TTL_SECONDS
from tests.helpers.content import ROOT, TINY_FLOW

MONDAY_TEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the teams are open
DAY = MONDAY_TEN.date()


class Clock:
    """The dialogue's clock, moved by the script (handoff asked, claimed minutes later)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    dialogue: DialogueService
    casework: Casework
    store: RedisConversationStore
    statistics: Statistics
    clock: Clock

    async def say(self, key: str, channel: str, *, hint: str | None = None, **said: str) -> str:
        """One turn; the state it left the conversation in."""
        await self.dialogue.handle(Incoming(key, language_hint=hint, channel=channel, **said))
        conversation = await self.store.load(key)
        assert conversation is not None
        return conversation.state

    async def claim_after(self, key: str, team: str, minutes: float) -> None:
        self.clock.now += timedelta(minutes=minutes)
        await self.casework.claim(team, case_code(key), "sara")


@pytest.fixture
async def world(shipped_content: Content, redis: Redis, encryptor: Encryptor) -> AsyncIterator[World]:
    clock = Clock(MONDAY_TEN)
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
    statistics = Statistics(redis, clock=clock)
    dialogue = DialogueService(
        engine, store, handoffs=Handoffs(engine, queue, teams, notifier), clock=clock, tally=statistics
    )
    casework = Casework(dialogue, queue, store, outbox, statistics, teams)
    stop = asyncio.Event()
    listening = asyncio.create_task(notifier.listen(stop))
    yield World(dialogue, casework, store, statistics, clock)
    stop.set()
    await listening


# Everything the scripted people type: none of it may reach the statistics.
TYPED = (
    "Jag undrar om polisen kan hjälpa mig",
    "polisen igen, tack",
    "Tell me about alternative to violence please",
    "han har en kniv",
    "Jag heter Lisa Berg och bor på Storgatan 5",
)
KEYS = {name: f"{name}-{secrets.token_hex(8)}" for name in ("anna", "ben", "cia", "dan")}

EXPECTED = {
    f"started:channel:{WEB}": 3,
    f"started:channel:{TELEGRAM}": 1,
    "started:language:sv": 3,
    "started:language:en": 1,
    "role:exposed": 1,
    "role:uses-violence": 1,
    "role:worried": 1,
    "topic:sheltered_housing": 1,
    "topic:atv": 1,
    "topic:police": 1,
    "handoff:support": 2,
    "handoff:atv": 1,
    "wait:support:5": 1,
    "wait:atv:60": 1,
    "wait:support:inf": 1,
    "outcome:support:advice": 1,
}


async def run_the_script(w: World) -> None:
    anna, ben, cia, dan = KEYS["anna"], KEYS["ben"], KEYS["cia"], KEYS["dan"]
    # Anna, web chat, Swedish: exposed, reads about sheltered housing, asks for a person.
    assert await w.say(anna, WEB, hint="sv") == "welcome"
    assert await w.say(anna, WEB, choice="safe") == "safe"
    assert await w.say(anna, WEB, choice="continue") == "who_are_you"
    assert await w.say(anna, WEB, choice="exposed") == "exposed"
    assert await w.say(anna, WEB, choice="sheltered_housing") == "sheltered_housing"
    assert await w.say(anna, WEB, choice="global:person") == "talk_to_person"
    assert await w.say(anna, WEB, text=TYPED[4]) == "talk_to_person"  # for the caseworker
    await w.claim_after(anna, "support", 3)
    # Ben, web chat, English: uses violence, types a topic, asks for ATV.
    assert await w.say(ben, WEB, hint="en") == "welcome"
    assert await w.say(ben, WEB, choice="safe") == "safe"
    assert await w.say(ben, WEB, choice="continue") == "who_are_you"
    assert await w.say(ben, WEB, choice="uses_violence") == "uses_violence"
    assert await w.say(ben, WEB, text=TYPED[2]) == "atv"
    assert await w.say(ben, WEB, choice="talk_to_atv") == "talk_to_atv"
    await w.claim_after(ben, "atv", 50)
    # Cia, web chat, Swedish: worried; changing language says the state again but she
    # did not say who she is again; the same topic twice is opened once.
    assert await w.say(cia, WEB, hint="sv") == "welcome"
    assert await w.say(cia, WEB, choice="safe") == "safe"
    assert await w.say(cia, WEB, choice="continue") == "who_are_you"
    assert await w.say(cia, WEB, choice="worried") == "worried"
    assert await w.say(cia, WEB, choice="language:en") == "worried"
    assert await w.say(cia, WEB, choice="language:sv") == "worried"
    assert await w.say(cia, WEB, choice="not-an-option") == "worried"  # nothing to count
    assert await w.say(cia, WEB, text=TYPED[0]) == "police"
    assert await w.say(cia, WEB, text=TYPED[1]) == "police"
    # Dan, Telegram, Swedish: in danger at once, asks for a person, waits five hours.
    assert await w.say(dan, TELEGRAM, hint="sv", text=TYPED[3]) == "danger_now"
    assert await w.say(dan, TELEGRAM, choice="talk_to_person") == "talk_to_person"
    await w.claim_after(dan, "support", 300)
    await w.casework.record_outcome("support", case_code(dan), "sara", "advice")


async def test_a_scripted_day_is_counted_exactly(world: World) -> None:
    await run_the_script(world)
    assert await world.statistics.counts(DAY.isoformat()) == EXPECTED
    report = await world.statistics.report(DAY - timedelta(days=1), DAY)
    assert report.started_per_day == [((DAY - timedelta(days=1)).isoformat(), 0), (DAY.isoformat(), 4)]
    assert report.started_by_channel == {WEB: 3, TELEGRAM: 1}
    assert report.started_by_language == {"sv": 3, "en": 1}
    assert report.roles == {"exposed": 1, "uses-violence": 1, "worried": 1}
    assert report.topics == {"atv": 1, "police": 1, "sheltered_housing": 1}
    assert report.handoffs_by_team == {"support": 2, "atv": 1}
    assert report.outcomes == {"support:advice": 1}
    assert report.waits() == {"atv": {"60": 1}, "support": {"5": 1, "inf": 1}}
    assert report.wait_quantiles() == {"atv": ("60", "60"), "support": ("5", ">240")}


async def test_the_csv_has_one_row_per_count_and_the_waiting_times(world: World) -> None:
    await run_the_script(world)
    report = await world.statistics.report(DAY - timedelta(days=1), DAY)
    d = DAY.isoformat()
    assert to_csv(report).splitlines() == [
        "day,measure,value,count",
        f"{d},started-by-channel,{TELEGRAM},1",
        f"{d},started-by-channel,{WEB},3",
        f"{d},started-by-language,en,1",
        f"{d},started-by-language,sv,3",
        f"{d},role,exposed,1",
        f"{d},role,uses-violence,1",
        f"{d},role,worried,1",
        f"{d},topic,atv,1",
        f"{d},topic,police,1",
        f"{d},topic,sheltered_housing,1",
        f"{d},handoffs-by-team,atv,1",
        f"{d},handoffs-by-team,support,2",
        f"{d},outcome,support:advice,1",
        f"{d},wait-minutes,atv:60,1",
        f"{d},wait-minutes,support:5,1",
        f"{d},wait-minutes,support:inf,1",
        f"{d},wait-median-minutes,atv,60",
        f"{d},wait-p90-minutes,atv,60",
        f"{d},wait-median-minutes,support,5",
        f"{d},wait-p90-minutes,support,>240",
    ]


async def test_only_counts_are_stored_no_text_no_key_no_time(world: World, redis: Redis) -> None:
    await run_the_script(world)
    stats_keys = [k.decode() async for k in redis.scan_iter(match="*") if b":stats:" in k]
    assert stats_keys == [redis_keys.statistics(DAY.isoformat())]  # one key per day, nothing finer
    assert 0 < await redis.ttl(stats_keys[0]) <= 400 * 24 * 3600
    # Ids of the people (their conversation keys, case codes) and what they typed.
    never = [*KEYS.values(), *(case_code(k) for k in KEYS.values()), *TYPED]
    never += ["lisa", "berg", "storgatan", "kniv", "polisen", "undrar", "please"]
    checked = 0
    for key in [k async for k in redis.scan_iter(match="*")]:
        if not key.decode().startswith(redis_keys.statistics("")):
            continue
        assert await redis.type(key) == b"hash"
        for field, value in (await redis.hgetall(key)).items():
            name = field.decode()
            assert re.fullmatch(r"[a-z]+(:[a-z0-9_-]+)+", name), name
            assert value.isdigit()
            assert not any(word.lower() in name for word in never), name
            checked += 1
    assert checked == len(EXPECTED)


async def test_a_turn_with_statistics_out_of_reach_still_answers(
    shipped_engine: Engine, store: RedisConversationStore, caplog: pytest.LogCaptureFixture
) -> None:
    nowhere = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    try:
        dialogue = DialogueService(shipped_engine, store, tally=Statistics(nowhere))
        key = f"quiet-{secrets.token_hex(8)}"
        with caplog.at_level(logging.WARNING, logger="bot.core.dialogue"):
            replies = await dialogue.handle(Incoming(key, language_hint="sv", channel=WEB))
        assert replies  # the person is answered all the same
        assert await store.load(key) is not None
        assert [r.getMessage() for r in caplog.records] == ["statistics not counted: ConnectionError"]
        assert key not in caplog.text
    finally:
        await nowhere.aclose()


async def test_a_report_covers_at_most_400_days(redis: Redis) -> None:
    statistics = Statistics(redis)
    report = await statistics.report(DAY - timedelta(days=399), DAY)
    assert len(report.days) == 400
    assert to_csv(report) == "day,measure,value,count\r\n"
    with pytest.raises(ValueError, match="400 days"):
        await statistics.report(DAY - timedelta(days=400), DAY)
    with pytest.raises(ValueError, match="before"):
        await statistics.report(DAY, DAY - timedelta(days=1))


def test_waits_fall_in_the_bucket_of_their_upper_bound() -> None:
    assert [wait_bucket(s) for s in (-5, 0, 60, 61, 3 * 60, 240 * 60, 240 * 60 + 1)] == [
        "1",
        "1",
        "1",
        "2",
        "5",
        "240",
        "inf",
    ]


def test_median_and_p90_are_the_buckets_where_the_cumulative_count_gets_there() -> None:
    buckets = {"1": 2, "5": 3, "15": 4, "inf": 1}  # 10 claims
    assert quantile(buckets, 0.5) == "5"  # 2 + 3 = 5 of 10
    assert quantile(buckets, 0.9) == "15"  # 9 of 10
    assert quantile({"inf": 3}, 0.5) == ">240"
    assert quantile({}, 0.5) == ""
    report = Report(DAY, DAY, ())
    assert report.wait_quantiles() == {}


def test_a_role_must_be_a_short_id() -> None:
    text = TINY_FLOW.replace(
        "  atv:\n    say: about-atv", "  atv:\n    role: Uses Violence!\n    say: about-atv"
    )
    assert text != TINY_FLOW
    flow, problems = parse_flow(yaml.safe_load(text), "flows/main.yaml", "v1")
    assert flow is None
    assert [f"{p.location}: {p.message}" for p in problems] == [
        "states.atv.role: 'Uses Violence!' is not a role id "
        "(lowercase letters, digits, - and _, at most 32 characters)"
    ]
    flow, problems = parse_flow(
        yaml.safe_load(TINY_FLOW.replace("  atv:\n", "  atv:\n    role: uses-violence\n")), "f", "v1"
    )
    assert problems == []
    assert flow is not None
    assert flow.states["atv"].role == "uses-violence"
    assert flow.states["start"].role is None


def test_the_shipped_flow_marks_the_five_roles(shipped_engine: Engine) -> None:
    roles = {s.name: s.role for s in shipped_engine.entry.flow.states.values() if s.role}
    assert roles == {
        "exposed": "exposed",
        "uses_violence": "uses-violence",
        "worried": "worried",
        "young": "young",
        "professional": "professional",
    }


def test_charts_are_escaped_accessible_svg_without_script_or_style() -> None:
    bars = [("web", 3), ("<script>alert(1)</script>", 1), ("en mycket lång etikett som inte får plats", 0)]
    for svg in (
        bar_chart("Samtal & kanaler", bars),
        daily_chart("Per dag", [("2026-11-29", 0), ("2026-11-30", 4)]),
    ):
        root = ET.fromstring(svg)  # well-formed XML
        assert root.get("role") == "img"
        assert root[0].tag.endswith("title")
        assert "<script" not in svg
        assert "style=" not in svg
        assert int(root.get("width") or 0) == 480
    chart = bar_chart("Samtal & kanaler", bars)
    assert "Samtal &amp; kanaler" in chart
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: 1" in chart  # in the description, escaped
    widths = [
        float(r.get("width") or 0) for r in ET.fromstring(chart).iter("{http://www.w3.org/2000/svg}rect")
    ]
    assert widths[0] > widths[1] > widths[2] == 0  # proportional to the counts
    daily = ET.fromstring(daily_chart("Per dag", [("2026-11-29", 0), ("2026-11-30", 4)]))
    texts = [t.text for t in daily.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Per dag", "4", "2026-11-29", "2026-11-30"]
    assert ET.fromstring(bar_chart("Inget", [])) is not None


async def test_a_day_is_a_utc_day(redis: Redis) -> None:
    stockholm_half_past_midnight = datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    statistics = Statistics(redis, clock=lambda: stockholm_half_past_midnight)
    await statistics.count("role:young", "role:young", "topic:police")
    await statistics.count()  # nothing to count: no round trip, no key
    assert await statistics.counts("2026-11-30") == {"role:young": 2, "topic:police": 1}
    report = await statistics.report(date(2026, 11, 30), date(2026, 12, 1))
    assert report.roles == {"young": 2}
    assert [k async for k in redis.scan_iter(match="*")] == [redis_keys.statistics("2026-11-30").encode()]

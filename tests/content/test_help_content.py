"""The shipped help content: every path in every language, only verified numbers, and the
form the content rules ask for. Everything here is generated from the flows and the
facts file, so a new state, message or language is covered without editing the tests."""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.adapters.content_files import Content
from bot.core.conversation import Conversation
from bot.core.engine import Engine, global_trigger
from bot.core.flow import GOTO_ACTIONS, Flow
from bot.core.local_numbers import DEFAULT, LocalNumbers
from bot.core.messages import Incoming, Reply
from bot.core.translator import RIGHT_TO_LEFT, Translator
from tests.helpers.content import ROOT, SHIPPED_LANGUAGES

FACTS = ROOT / "docs" / "facts" / "help-services.md"
# Digits with single spaces or hyphens between them: "020-50 50 50", "114 14", "112".
# Opening hours use an en dash ("07–21") and so are two short numbers, not one.
NUMBER_LIKE = re.compile(r"\d(?:[ -]?\d)+")
# Names that stay the same in every language (CONTENT.md: Swedish service names stay).
SAME_IN_EVERY_LANGUAGE = {
    "option-atv",
    "option-valj-att-sluta",
    *(f"municipality-{m}" for m in ("taby", "vaxholm", "danderyd", "osteraker", "lidingo", "vallentuna")),
}
EVERY_LOCAL_NUMBER_SET = "08-555 000 01"


def verified_services() -> dict[str, str]:
    """Number (digits only) -> opening hours, from the facts file's table of services a
    help-seeker may be told to contact (not the professionals-only lines below it)."""
    text = FACTS.read_text(encoding="utf-8")
    table = text.split("## Services a help-seeker may be told to contact", 1)[1].split("\n\n")[1]
    services = {}
    for row in table.splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        services[digits(cells[1])] = cells[2]
    return services


def digits(text: str) -> str:
    return "".join(str(int(ch)) for ch in text if ch.isdigit())


def number_like(text: str) -> Iterator[str]:
    for match in NUMBER_LIKE.finditer(text):
        if len(digits(match.group())) >= 3:
            yield match.group()


def content_files() -> list[Path]:
    return sorted((ROOT / "flows").glob("*.yaml")) + sorted((ROOT / "locales").glob("*/*.ftl"))


# --- Numbers and facts ---


def test_the_facts_table_was_read() -> None:
    services = verified_services()
    assert services["112"] == "24/7"
    assert services["020505050"].startswith("24/7")  # Kvinnofridslinjen
    assert len(services) == 11


@pytest.mark.parametrize("path", content_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_phone_number_in_the_content_is_a_verified_one(path: Path) -> None:
    verified = verified_services()
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for number in number_like(line):
            assert number.isascii(), (
                f"{path}:{line_number}: {number!r}: phone numbers are written in Western digits"
            )
            assert digits(number) in verified, f"{path}:{line_number}: {number!r} is not a verified number"


@pytest.mark.parametrize("path", sorted((ROOT / "locales").glob("*/*.ftl")), ids=lambda p: p.parent.name)
def test_catalogues_never_write_a_number_themselves(path: Path) -> None:
    """Numbers are variables of the flow, so a wrong one is corrected in one place."""
    found = [n for line in path.read_text(encoding="utf-8").splitlines() for n in number_like(line)]
    assert found == []


def test_each_number_is_defined_once_with_the_verified_hours(shipped_content: Content) -> None:
    services = verified_services()
    (flow,) = shipped_content.flows
    numbers = {
        name: value
        for name, value in flow.variables.items()
        if not name.endswith("_hours") and any(c.isdigit() for c in value)
    }
    assert all(digits(v) in services for v in numbers.values()), numbers
    assert len({digits(v) for v in numbers.values()}) == len(numbers), "a number is defined twice"
    for name, hours in flow.variables.items():
        if name.endswith("_hours"):
            number = flow.variables[name.removesuffix("_hours")]
            assert hours in services[digits(number)], f"{name}={hours!r} is not in the facts for {number}"


# --- Every path, every language ---


def new_engine(content: Content, numbers: LocalNumbers | None = None) -> Engine:
    return Engine(content.flows, Translator(content.catalogues), numbers)


def saved(conversation: Conversation) -> Conversation:
    return replace(conversation, revision=conversation.revision + 1)


def reachable_conversations(engine: Engine, language: str) -> dict[str, Conversation]:
    """One conversation standing in each state, reached by pressing buttons (options and
    global actions) from the start."""
    first = engine.step(engine.new_conversation("walk", language), Incoming("walk", text="hej"))
    found = {first.conversation.state: saved(first.conversation)}
    queue = deque(found.values())
    while queue:
        conversation = queue.popleft()
        for choice in every_choice(engine.entry.flow, conversation.state):
            after = saved(engine.step(conversation, Incoming("walk", choice=choice)).conversation)
            if after.state not in found:
                found[after.state] = after
                queue.append(after)
    return found


def every_choice(flow: Flow, state: str) -> list[str]:
    return [o.id for o in flow.states[state].options] + [global_trigger(a) for a in flow.global_actions]


def assert_readable(replies: tuple[Reply, ...], language: str) -> None:
    assert replies
    for reply in replies:
        assert reply.text.strip()
        assert "{" not in reply.text, reply.text
        assert "$" not in reply.text, reply.text
        assert reply.language == language
        assert reply.direction == ("rtl" if language in RIGHT_TO_LEFT else "ltr")
        assert global_trigger("danger") in [a.id for a in reply.actions], "danger now must be one tap away"
        assert all(o.label.strip() for o in (*reply.options, *reply.actions))


NUMBER_SETTINGS = {
    "no local numbers": LocalNumbers(),
    "every local number": LocalNumbers(
        {
            DEFAULT: dict.fromkeys(
                ("social_services", "social_on_call", "atv", "womens_shelter"), EVERY_LOCAL_NUMBER_SET
            )
        }
    ),
}


@pytest.mark.parametrize("numbers", NUMBER_SETTINGS)
@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_button_of_every_state_says_something_readable_in_every_language(
    language: str, numbers: str, shipped_content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    engine = new_engine(shipped_content, NUMBER_SETTINGS[numbers])
    flow = engine.entry.flow
    conversations = reachable_conversations(engine, language)
    assert set(conversations) == set(flow.states), "every state is reached by pressing buttons"
    with caplog.at_level(logging.ERROR):
        for state, conversation in conversations.items():
            for choice in every_choice(flow, state):
                step = engine.step(conversation, Incoming("walk", choice=choice))
                assert_readable(step.replies, language)
    assert not caplog.records, "a message could not be formatted"


def test_local_numbers_are_said_where_set_and_the_general_route_where_not(shipped_content: Content) -> None:
    numbers = LocalNumbers({"taby": {"social_services": "08-555 000 02"}, DEFAULT: {"atv": "08-555 000 03"}})
    engine = new_engine(shipped_content, numbers)
    sv = shipped_content.catalogues["sv"]
    conversation = reachable_conversations(engine, "sv")["municipality"]
    taby = engine.step(conversation, Incoming("walk", choice="taby"))
    vaxholm = engine.step(conversation, Incoming("walk", choice="vaxholm"))
    assert taby.conversation.municipality == "taby"
    assert vaxholm.conversation.municipality == "vaxholm"
    taby_text = "\n".join(r.text for r in taby.replies)
    vaxholm_text = "\n".join(r.text for r in vaxholm.replies)
    assert "08-555 000 02" in taby_text
    assert "08-555 000 02" not in vaxholm_text
    assert "växel och be att få prata med socialtjänsten" in vaxholm_text
    # The default applies to both.
    assert "08-555 000 03" in taby_text
    assert "08-555 000 03" in vaxholm_text
    assert "kvinnojour" not in taby_text.casefold(), "an unset number without a general route is left out"
    assert "womens-shelter-number" in sv.message_ids
    # The place is remembered: social services later in the conversation show Täby's number.
    later = taby
    for choice in ("back", "topics", "social_services"):
        later = engine.step(saved(later.conversation), Incoming("walk", choice=choice))
    assert later.conversation.state == "social_services"
    assert "08-555 000 02" in "\n".join(r.text for r in later.replies)


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_numbers_stay_whole_and_left_to_right_inside_right_to_left_text(
    language: str, shipped_content: Content
) -> None:
    engine = new_engine(shipped_content)
    conversation = reachable_conversations(engine, language)["police"]
    danger = engine.step(conversation, Incoming("walk", choice=global_trigger("danger")))
    assert danger.replies[0].direction == "rtl"
    assert "\u2068112\u2069" in danger.replies[0].text  # first-strong isolate ... pop directional isolate


# --- Typing instead of pressing ---


def keywords(content: Content, action: str, language: str) -> tuple[str, ...]:
    (flow,) = content.flows
    return flow.global_actions[action].keywords[language]


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_danger_words_of_every_language_lead_to_the_emergency_state_from_every_state(
    language: str, shipped_content: Content
) -> None:
    engine = new_engine(shipped_content)
    words = keywords(shipped_content, "danger", language)
    assert len(words) >= 5
    for conversation_language in {language, "sv"}:
        for state, conversation in reachable_conversations(engine, conversation_language).items():
            for word in words:
                step = engine.step(conversation, Incoming("walk", text=f"... {word} !!"))
                assert step.conversation.state == "danger_now", (state, word)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_global_action_can_be_typed_in_every_language(language: str, shipped_content: Content) -> None:
    engine = new_engine(shipped_content)
    (flow,) = shipped_content.flows
    conversation = reachable_conversations(engine, language)["police"]
    for name in GOTO_ACTIONS:
        for word in keywords(shipped_content, name, language):
            step = engine.step(conversation, Incoming("walk", text=word))
            assert step.conversation.state == flow.global_actions[name].goto, (name, word)
    for word in keywords(shipped_content, "forget", language):
        assert engine.step(conversation, Incoming("walk", text=word)).forget, word
    for word in keywords(shipped_content, "language", language):
        menu = engine.step(conversation, Incoming("walk", text=word)).replies[0]
        assert len(menu.options) == len(SHIPPED_LANGUAGES), word


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_safety_question_can_be_answered_by_typing_in_every_language(
    language: str, shipped_content: Content
) -> None:
    engine = new_engine(shipped_content)
    welcome = reachable_conversations(engine, language)["welcome"]
    for option in engine.entry.flow.states["welcome"].options:
        assert option.keywords.get(language), f"no {language} keywords for {option.id}"
        for word in option.keywords[language]:
            assert engine.step(welcome, Incoming("walk", text=word)).conversation.state == option.goto, word


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_typing_a_buttons_label_chooses_that_button_in_every_state(
    language: str, shipped_content: Content
) -> None:
    engine = new_engine(shipped_content)
    for state, conversation in reachable_conversations(engine, language).items():
        if conversation.status == "waiting":
            continue  # text is for the caseworker then; only danger words act on it
        for option in engine.entry.flow.states[state].options:
            label = engine.entry.text(language, option.label)
            assert (
                engine.step(conversation, Incoming("walk", text=label)).conversation.state == option.goto
            ), (
                state,
                label,
            )


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_topics_can_be_typed_from_anywhere_in_every_language(language: str, shipped_content: Content) -> None:
    engine = new_engine(shipped_content)
    conversations = reachable_conversations(engine, language)
    topics = {name: s.keywords for name, s in engine.entry.flow.states.items() if s.keywords}
    assert len(topics) >= 10
    for topic, words in topics.items():
        assert words.get(language), f"no {language} keywords for the topic {topic}"
        for word in words[language]:
            for state in ("help", "danger_now"):  # states whose own options do not compete
                step = engine.step(conversations[state], Incoming("walk", text=f"{word}?"))
                assert step.conversation.state == topic, (state, word)


QUOTED = re.compile(r"[“”\"«„]([^“”\"«»„]+)[”\"»“]")


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_what_the_help_text_says_to_type_works(language: str, shipped_content: Content) -> None:
    engine = new_engine(shipped_content)
    help_text = engine.entry.text(language, "help-text")
    phrases = QUOTED.findall(help_text)
    assert len(phrases) == 4, help_text
    conversation = reachable_conversations(engine, language)["help"]
    for phrase in phrases:
        step = engine.step(conversation, Incoming("walk", text=phrase))
        assert step.replies[0].text != engine.entry.text(language, "engine-not-understood"), phrase


# --- Form and completeness ---


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_messages_are_short_enough_for_a_phone(language: str, shipped_content: Content) -> None:
    engine = new_engine(shipped_content, NUMBER_SETTINGS["every local number"])
    flow = engine.entry.flow
    variables = {**flow.variables, **dict.fromkeys(flow.local_numbers, EVERY_LOCAL_NUMBER_SET)}
    for message_id in shipped_content.catalogues[language].message_ids:
        text = engine.translator.format(language, message_id, variables)
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        assert len(paragraphs) <= 3, f"{language}/{message_id}: {len(paragraphs)} paragraphs"
    buttons = {a.label for a in flow.global_actions.values()} | {
        o.label for s in flow.states.values() for o in s.options
    }
    for message_id in buttons:
        text = engine.translator.format(language, message_id)
        assert len(text.split()) <= 6, f"{language}/{message_id}: button too long: {text!r}"
        assert len(text) <= 40, f"{language}/{message_id}: button too long: {text!r}"


@pytest.mark.parametrize("language", [lang for lang in SHIPPED_LANGUAGES if lang != "sv"])
def test_no_swedish_text_is_left_untranslated(language: str, shipped_content: Content) -> None:
    translator = Translator(shipped_content.catalogues)
    (flow,) = shipped_content.flows
    same = {
        message_id
        for message_id in shipped_content.catalogues["sv"].message_ids
        if translator.format("sv", message_id, flow.variables).replace("\u2068", "").replace("\u2069", "")
        == translator.format(language, message_id, flow.variables).replace("\u2068", "").replace("\u2069", "")
    }
    assert same <= SAME_IN_EVERY_LANGUAGE, sorted(same - SAME_IN_EVERY_LANGUAGE)


def test_a_person_is_at_most_two_buttons_away_after_the_safety_check(shipped_content: Content) -> None:
    (flow,) = shipped_content.flows
    handoffs = {name for name, state in flow.states.items() if state.handoff}
    safety_check = {"welcome", "safe", "not_safe"}

    def near(state: str, taps: int) -> bool:
        return state in handoffs or (
            taps > 0 and any(near(o.goto, taps - 1) for o in flow.states[state].options)
        )

    assert [name for name in flow.states if name not in safety_check and not near(name, 2)] == []


# Each role reaches the topics that concern it without going back to the main menu.
ROLE_TOPICS = {
    "exposed": {"support_lines", "sheltered_housing", "police", "social_services", "atv", "honour",
                "trafficking", "protected_data", "injuries", "interpreter", "municipality"},
    "uses_violence": {"atv", "valj_att_sluta", "social_services", "talk_to_atv"},
    "worried": {"social_services", "sheltered_housing", "police", "honour"},
    "young": {"young_telling", "honour"},
    "professional": {"social_services", "atv", "honour", "trafficking"},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLE_TOPICS)
def test_each_role_reaches_the_topics_that_concern_it(role: str, shipped_content: Content) -> None:
    (flow,) = shipped_content.flows
    seen, frontier = {role}, {role}
    for _ in range(3):
        frontier = {
            o.goto for s in frontier for o in flow.states[s].options if o.goto != "who_are_you"
        } - seen
        seen |= frontier
    assert ROLE_TOPICS[role] <= seen, ROLE_TOPICS[role] - seen


def test_the_flow_offers_every_municipality_of_the_north_east(shipped_content: Content) -> None:
    (flow,) = shipped_content.flows
    assert flow.municipalities == {
        "taby",
        "vaxholm",
        "danderyd",
        "osteraker",
        "lidingo",
        "vallentuna",
        "other",
    }


def test_the_example_local_numbers_file_names_every_local_number(shipped_content: Content) -> None:
    (flow,) = shipped_content.flows
    example = yaml.safe_load((ROOT / "docs" / "local-numbers.example.yaml").read_text(encoding="utf-8"))
    assert set(example[DEFAULT]) == set(flow.local_numbers)
    assert all(value == "" for numbers in example.values() for value in numbers.values()), "shipped empty"

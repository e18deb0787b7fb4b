"""Parsing flows: each kind of schema mistake is reported with its place."""

from __future__ import annotations

import pytest
import yaml

from bot.core.flow import normalize_text, parse_flow
from bot.core.validation import check_flows
from tests.helpers.content import ROOT, TINY_FLOW


def problems_of(text: str) -> list[str]:
    flow, problems = parse_flow(yaml.safe_load(text), "flows/main.yaml", "v1")
    assert flow is None
    assert all(p.file == "flows/main.yaml" for p in problems)
    return [f"{p.location}: {p.message}" for p in problems]


def test_the_tiny_flow_parses_with_its_states_options_and_keywords() -> None:
    flow, problems = parse_flow(yaml.safe_load(TINY_FLOW), "flows/main.yaml", "v1")
    assert problems == []
    assert flow is not None
    assert list(flow.states) == ["start", "atv", "other", "danger", "person"]
    start = flow.states["start"]
    assert [o.id for o in start.options] == ["atv", "other"]  # "other" defaults to its target
    assert start.say[1].vars == {"count": "2"}
    assert flow.states["person"].handoff == "support"
    assert flow.global_actions["danger"].keywords["sv"] == ("kniv", "hjalp nu")
    assert flow.states["other"].keywords == {"sv": ("annan hjalp",), "en": ("other help",)}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("  atv:\n    say: about-atv", "  atv:\n    colour: red\n    say: about-atv"),
            "states.atv.colour: unknown field",
        ),
        (("    say: about-other", "    say: []"), "states.other.say: must list at least one message id"),
        (("    say: about-other", "    say: [{vars: {}}]"), "states.other.say[0].id: is required"),
        (("  other:", "  Other-State:"), "states.Other-State: 'Other-State' is not a valid state name"),
        (
            ("{label: opt-other, goto: other}", "{label: opt-other}"),
            "states.start.options[1].goto: is required",
        ),
        (
            ("{id: atv, label: opt-atv", "{id: other, label: opt-atv"),
            "states.start.options[1]: option id 'other' is used twice",
        ),
        (
            (
                "  help: {label: action-help, goto: start, keywords: {sv: [hjälp], en: [help], ar: [مساعدة]}}\n",
                "",
            ),
            "global_actions: the global action 'help' is missing",
        ),
        (
            ("goto: danger\n    button: true", "goto: danger"),
            "global_actions.danger.button: the danger action must be a button",
        ),
        (
            ("language: {label: action-language,", "language: {label: action-language, goto: start,"),
            "global_actions.language.goto: 'language' is done by the engine",
        ),
        (
            ("keywords: {sv: [kniv, hjälp nu]", "keywords: {svenska: [kniv]"),
            "global_actions.danger.keywords.svenska: is not a language code",
        ),
        (("    danger: true", "    danger: yes please"), "states.danger.danger: must be true or false"),
        (
            ("say: about-atv", "say: [{id: about-atv, otherwise: about-other}]"),
            "states.atv.say[0].otherwise: only makes sense with if_set",
        ),
        (
            ("say: about-atv", "say: [hello, {id: about-atv, if_set: atv_number}]"),
            "states.atv.say[1].if_set: 'atv_number' is not one of the flow's local_numbers",
        ),
        (
            ("variables:", "local_numbers: [emergency]\nvariables:"),
            "local_numbers.emergency: is also a variable",
        ),
        (("variables:", "local_numbers: atv\nvariables:"), "local_numbers: must be a list of names"),
        (
            (
                "{id: back, label: opt-back, goto: start}\n  other",
                "{id: back, label: opt-back, goto: start, municipality: Täby}\n  other",
            ),
            "states.atv.options[0].municipality: 'Täby' is not a valid name",
        ),
        (
            ("{id: back, label: opt-back", "{id: back" + "_and_more" * 7 + ", label: opt-back"),
            "states.atv.options[0]: option id is longer than 64 bytes (Telegram's limit for a button)",
        ),
    ],
)
def test_schema_mistakes_are_located(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in TINY_FLOW
    problems = problems_of(TINY_FLOW.replace(old, new, 1))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_flow_that_is_not_a_mapping_is_refused() -> None:
    assert problems_of("- just\n- a list\n") == [": must be a mapping of names to values, got a list"]


def test_normalize_text_folds_case_punctuation_and_width() -> None:
    assert normalize_text("  HAN är HÄR!!  ") == "han ar har"
    assert normalize_text("Ｋｎｉｖ?") == "kniv"
    assert normalize_text("…") == ""


@pytest.mark.parametrize(
    ("typed", "keyword"),
    [
        ("Täby", "taby"),  # without the Swedish keyboard
        ("سِكِّين", "سكين"),  # Arabic with vowel marks
        ("أنا في خطر", "انا في خطر"),  # alef forms
        ("كمك", "کمک"),  # Persian typed on an Arabic keyboard (kaf)
        ("چاقوـ", "چاقو"),  # tatweel
        ("١١٢", "112"),  # Arabic-Indic digits
        ("۱۱۲", "112"),  # Persian digits
        ("ДОПОМОЖІТЬ", "допоможіть"),
        ("бʼє мене", "б'є мене"),  # modifier letter apostrophe
        ("أخصائي", "اخصايي"),  # hamza on yeh
    ],
)
def test_normalize_text_treats_ways_of_typing_the_same_word_alike(typed: str, keyword: str) -> None:
    assert normalize_text(typed) == normalize_text(keyword)
    # Keywords are normalized when the flow is read, typed text on every message: same result.
    assert normalize_text(normalize_text(typed)) == normalize_text(typed)


def test_the_example_in_the_flow_documentation_is_a_valid_flow() -> None:
    text = (ROOT / "docs" / "flows.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    flow, problems = parse_flow(yaml.safe_load(example), "docs/flows.md", "v1")
    assert problems == []
    assert flow is not None
    assert check_flows([flow]) == []
    assert flow.states["atv"].say[1].vars == {"hours": "08–16"}


def test_a_state_that_would_say_nothing_without_local_numbers_is_refused() -> None:
    text = TINY_FLOW.replace("variables:", "local_numbers: [atv_number]\nvariables:", 1)
    text = text.replace("say: about-atv", "say: [{id: about-atv, if_set: atv_number}]", 1)
    assert problems_of(text) == [
        "states.atv.say: says nothing when no local number is set: add a message without if_set"
    ]

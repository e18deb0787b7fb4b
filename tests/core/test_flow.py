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
    assert flow.global_actions["danger"].keywords["sv"] == ("kniv", "hjälp nu")


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
            ("  help: {label: action-help, goto: start}\n", ""),
            "global_actions: the global action 'help' is missing",
        ),
        (
            ("goto: danger, button: true", "goto: danger"),
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
    assert normalize_text("  HAN är HÄR!!  ") == "han är här"
    assert normalize_text("Ｋｎｉｖ?") == "kniv"
    assert normalize_text("…") == ""


def test_the_example_in_the_flow_documentation_is_a_valid_flow() -> None:
    text = (ROOT / "docs" / "flows.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    flow, problems = parse_flow(yaml.safe_load(example), "docs/flows.md", "v1")
    assert problems == []
    assert flow is not None
    assert check_flows([flow]) == []
    assert flow.states["atv"].say[1].vars == {"hours": "08–16"}

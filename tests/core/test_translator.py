"""Catalogues and the choice of language."""

from __future__ import annotations

import pytest

from bot.core.translator import CatalogueFile, Translator, parse_catalogue
from tests.helpers.content import tiny_catalogues


@pytest.fixture
def translator() -> Translator:
    return Translator(tiny_catalogues())


@pytest.mark.parametrize(
    ("hint", "language"),
    [
        ("en", "en"),  # Telegram language_code
        ("en-GB", "en"),
        ("ar-SA,ar;q=0.9,en;q=0.5", "ar"),  # Accept-Language
        ("de-DE,de;q=0.9,en;q=0.8", "en"),  # first shipped language in the list
        ("fr;q=0.9,en;q=0.1,ar;q=0.5", "ar"),  # by quality, not by position
        ("pt-br", "sv"),  # nothing shipped: Swedish
        ("", "sv"),
        (None, "sv"),
        ("en;q=0,*;q=0.5", "sv"),  # q=0 means "not this one"
        ("en;q=oops", "sv"),
    ],
)
def test_language_is_negotiated_from_a_hint(translator: Translator, hint: str | None, language: str) -> None:
    assert translator.negotiate(hint) == language


def test_swedish_is_listed_first_and_arabic_is_right_to_left(translator: Translator) -> None:
    assert translator.languages == ("sv", "ar", "en")
    assert translator.direction("ar") == "rtl"
    assert translator.direction("sv") == "ltr"


def test_variables_are_filled_in_and_isolated_only_in_right_to_left_text(translator: Translator) -> None:
    assert translator.format("en", "call-emergency", {"emergency": "112"}) == "Call 112"
    # In Arabic the number keeps its left-to-right order inside the right-to-left sentence.
    assert (
        translator.format("ar", "call-emergency", {"emergency": "020-50 50 50"})
        == "اتصل بـ \u2068020-50 50 50\u2069"
    )


def test_a_message_missing_in_a_language_falls_back_to_swedish_then_english() -> None:
    sv, _ = parse_catalogue("sv", [CatalogueFile("sv.ftl", "only-sv = Bara svenska\n")])
    en, _ = parse_catalogue(
        "en", [CatalogueFile("en.ftl", "only-sv = Only Swedish\nonly-en = Only English\n")]
    )
    ar, _ = parse_catalogue("ar", [CatalogueFile("ar.ftl", "")])
    translator = Translator({"sv": sv, "en": en, "ar": ar})
    assert translator.format("ar", "only-sv") == "Bara svenska"
    assert translator.format("ar", "only-en") == "Only English"


def test_catalogue_records_the_variables_of_each_message() -> None:
    catalogue, problems = parse_catalogue(
        "sv", [CatalogueFile("sv.ftl", "a = Ring { $number } eller { $other }\nb = Inga\n")]
    )
    assert problems == []
    assert catalogue.variables == {"a": frozenset({"number", "other"}), "b": frozenset()}


def test_fluent_syntax_errors_name_the_file_and_line() -> None:
    text = "good = Bra\n\nbroken = { $oops\nalso-good = Också bra\n"
    catalogue, problems = parse_catalogue("sv", [CatalogueFile("locales/sv/main.ftl", text)])
    assert [(p.file, p.location) for p in problems] == [("locales/sv/main.ftl", "line 3")]
    assert "Fluent syntax error" in problems[0].message
    assert "good" in catalogue.message_ids
    assert "also-good" in catalogue.message_ids


def test_a_message_defined_twice_is_a_problem() -> None:
    _, problems = parse_catalogue(
        "sv", [CatalogueFile("a.ftl", "x = Ett\n"), CatalogueFile("b.ftl", "x = Två\n")]
    )
    assert [str(p) for p in problems] == ["b.ftl: line 1: message 'x' is defined twice (also in a.ftl)"]

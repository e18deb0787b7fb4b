"""`fristad check`: each kind of broken content is named with its file and place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.helpers.content import ROOT, SHIPPED_LANGUAGES


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--flows", str(folder / "flows"), "--locales", str(folder / "locales")])
    return code, capsys.readouterr().out


def test_the_shipped_content_is_valid_and_fully_translated(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(ROOT, capsys)
    assert code == 0, out
    assert "error" not in out
    rows = [line.split() for line in out.splitlines() if line[:3].rstrip() in SHIPPED_LANGUAGES]
    assert sorted(row[0] for row in rows) == sorted(SHIPPED_LANGUAGES)
    assert all(row[2:] == ["0", "100.0%"] for row in rows), out
    assert out.rstrip().endswith("OK")


FLOW = "flows/main.yaml"
SV = "locales/sv/main.ftl"
EN = "locales/en/main.ftl"

BROKEN = {
    "yaml syntax": (FLOW, "start: welcome", "start: [welcome", FLOW, "YAML syntax error"),
    "schema": (FLOW, "    say: [welcome, safety-question]", "    say: 42", FLOW, "states.welcome.say: must list at least one message id"),
    "unknown target": (FLOW, "goto: not_safe", "goto: nowhere", FLOW, "states.welcome.options[1].goto: leads to the unknown state 'nowhere'"),
    "unreachable": (FLOW, "goto: not_safe", "goto: who_are_you", FLOW, "states.not_safe: is unreachable"),
    "dead end": (FLOW, "\nstates:\n", "\nstates:\n  stuck:\n    say: help-text\n", FLOW, "states.stuck: is a dead end"),
    "missing global action": (FLOW, "  forget:\n    label: action-forget\n", "  forgot:\n    label: action-forget\n", FLOW, "global_actions: the global action 'forget' is missing"),
    "message missing in sv": (SV, "who-are-you = ", "who-you-are = ", FLOW, "states.who_are_you.say[0]: message 'who-are-you' is missing in locales/sv"),
    "message missing in en": (EN, "option-police = The police\n", "", "locales/en", "option-police: missing"),
    "variables differ": (EN, "crime on { $police }", "crime on { $polis }", EN, "police-report: uses variables {$polis} but sv uses {$police}"),
    "variable not given": (SV, "brott på { $police }", "brott på { $polisen }", FLOW, "message 'police-report' needs variables the flow does not give: polisen"),
    "local number without if_set": (SV, "atv-switchboard = Ring", "atv-switchboard = { $atv } eller ring", FLOW, "states.atv.say[3].otherwise: message 'atv-switchboard' needs variables the flow does not give: atv"),
    "unknown local number": (FLOW, "{id: atv-number, if_set: atv,", "{id: atv-number, if_set: atw,", FLOW, "states.atv.say[3].if_set: 'atw' is not one of the flow's local_numbers"),
    "no keywords in a language": (FLOW, "      en: [delete my data, delete everything]\n", "", FLOW, "global_actions.forget.keywords: no keywords for en"),
    "fluent syntax": (EN, "option-leave-queue = Leave", "option-leave-queue = { Leave", EN, "Fluent syntax error"),
    "engine message missing": (SV, "engine-too-long = ", "engine-too-short = ", "locales/sv", "message 'engine-too-long', which the engine says, is missing"),
}  # fmt: skip


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_content_is_reported_with_file_and_reason(
    kind: str, content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file, old, new, reported_file, reason = BROKEN[kind]
    edit(content_copy / file, old, new)
    code, out = check(content_copy, capsys)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error: ")]
    assert any(reported_file in line and reason in line for line in errors), out
    assert "problem(s)" in out


def test_missing_translations_lower_the_coverage(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(content_copy / EN, "option-police = The police\n", "")
    edit(content_copy / EN, "option-atv = ATV – Alternativ till våld\n", "")
    _, out = check(content_copy, capsys)
    sv = next(line.split() for line in out.splitlines() if line.startswith("sv "))
    en = next(line.split() for line in out.splitlines() if line.startswith("en "))
    assert en == ["en", str(int(sv[1]) - 2), "2", f"{100 * (int(sv[1]) - 2) / int(sv[1]):.1f}%"]


def test_missing_folders_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(tmp_path, capsys)
    assert code == 1
    assert "flows: the flows folder does not exist" in out
    assert "locales: the locales folder does not exist" in out


LOCAL_NUMBERS = {
    "unknown municipality": ("stockholm:\n  atv: 08-555 000 00\n", "stockholm: unknown municipality"),
    "unknown number": ("taby:\n  police: 08-555 000 00\n", "taby.police: unknown number"),
    "not a phone number": ("taby:\n  atv: call us\n", "taby.atv: 'call us' is not a phone number"),
    "not a mapping": ("- 08-555 000 00\n", "must map municipalities to their numbers"),
    "yaml syntax": ("taby: [\n", "YAML syntax error"),
}


@pytest.mark.parametrize("kind", LOCAL_NUMBERS)
def test_a_broken_local_numbers_file_is_reported(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text, reason = LOCAL_NUMBERS[kind]
    numbers = tmp_path / "numbers.yaml"
    numbers.write_text(text, encoding="utf-8")
    monkeypatch.setenv("FRISTAD_LOCAL_NUMBERS_FILE", str(numbers))
    code, out = check(ROOT, capsys)
    assert code == 1
    assert any(str(numbers) in line and reason in line for line in out.splitlines()), out


def test_the_example_local_numbers_file_is_valid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FRISTAD_LOCAL_NUMBERS_FILE", str(ROOT / "docs" / "local-numbers.example.yaml"))
    code, out = check(ROOT, capsys)
    assert code == 0, out

"""`fristad check`: each kind of broken content is named with its file and place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.helpers.content import ROOT


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
    lines = [line.split() for line in out.splitlines() if line.startswith(("sv ", "en "))]
    assert [(row[0], row[2], row[3]) for row in lines] == [("sv", "0", "100.0%"), ("en", "0", "100.0%")]
    assert out.rstrip().endswith("OK")


FLOW = "flows/main.yaml"
SV = "locales/sv/main.ftl"
EN = "locales/en/main.ftl"

BROKEN = {
    "yaml syntax": (FLOW, "start: welcome", "start: [welcome", FLOW, "YAML syntax error"),
    "schema": (FLOW, "    say: [welcome, safety-question]", "    say: 42", FLOW, "states.welcome.say: must list at least one message id"),
    "unknown target": (FLOW, "goto: not_safe", "goto: nowhere", FLOW, "states.welcome.options[1].goto: leads to the unknown state 'nowhere'"),
    "unreachable": (FLOW, "goto: not_safe", "goto: who_are_you", FLOW, "states.not_safe: is unreachable"),
    "dead end": (FLOW, "    say: help-text\n    options:\n      - id: back\n        label: option-back-to-menu\n        goto: who_are_you\n        keywords: {sv: [tillbaka], en: [back]}\n", "    say: help-text\n", FLOW, "states.help: is a dead end"),
    "missing global action": (FLOW, "  forget:\n    label: action-forget\n", "  forgot:\n    label: action-forget\n", FLOW, "global_actions: the global action 'forget' is missing"),
    "message missing in sv": (SV, "who-are-you = ", "who-you-are = ", FLOW, "states.who_are_you.say[0]: message 'who-are-you' is missing in locales/sv"),
    "message missing in en": (EN, "option-police = The police\n", "", "locales/en", "option-police: missing"),
    "variables differ": (EN, "on { $police }", "on { $polis }", EN, "police-about: uses variables {$emergency, $polis} but sv uses {$emergency, $police}"),
    "variable not given": (SV, "Ring polisen på { $police }", "Ring polisen på { $polisen }", FLOW, "message 'police-about' needs variables the flow does not give: polisen"),
    "fluent syntax": (EN, "option-back = Back\n", "option-back = { Back\n", EN, "Fluent syntax error"),
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
    en = next(line.split() for line in out.splitlines() if line.startswith("en "))
    assert en == ["en", "50", "2", "96.2%"]


def test_missing_folders_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = check(tmp_path, capsys)
    assert code == 1
    assert "flows: the flows folder does not exist" in out
    assert "locales: the locales folder does not exist" in out

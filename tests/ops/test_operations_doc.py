"""docs/operations.md's configuration reference is the settings Fristad reads."""

from __future__ import annotations

from bot.app.config_reference import main, settings_table
from bot.app.settings import ENVIRONMENT
from tests.helpers.content import ROOT


def test_the_configuration_reference_is_made_from_the_settings() -> None:
    document = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert settings_table() in document
    assert all(f"| `{name}` |" in document for name in ENVIRONMENT)
    assert main(["--check", str(ROOT / "docs" / "operations.md")]) == 0

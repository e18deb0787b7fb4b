"""The README's configuration table is the list of settings Fristad reads."""

from __future__ import annotations

from bot.app.settings import ENVIRONMENT
from tests.helpers.content import ROOT


def test_every_setting_is_documented_with_its_default_in_the_readme() -> None:
    rows = {
        cells[1].strip("` "): cells[2].strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `") and len(cells := line.split("|")) > 3
    }
    assert rows == {name: default for name, (default, _) in ENVIRONMENT.items()}

"""docs/security.md names, for each SAFETY rule, the tests that fail if it breaks: each
of them must exist, so that the table cannot quietly point at nothing."""

from __future__ import annotations

import re

from tests.helpers.content import ROOT


def test_every_test_the_security_table_names_exists() -> None:
    named = set(
        re.findall(r"\b(test_[a-z0-9_]+)\b", (ROOT / "docs" / "security.md").read_text(encoding="utf-8"))
    )
    defined = {
        match
        for path in (ROOT / "tests").rglob("test_*.py")
        for match in re.findall(r"^(?:async )?def (test_[a-z0-9_]+)", path.read_text(encoding="utf-8"), re.M)
    }
    files = {path.stem for path in (ROOT / "tests").rglob("test_*.py")}
    assert len(named) > 60
    assert named - defined - files == set()

"""`bench/run --quick` runs every figure of DESIGN.md's performance budget and reports
each. Only that it runs and reports: whether a target is met depends on the machine, and
timing targets belong to the benchmark, not to the test suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.content import ROOT

# Every figure of the budget: the JSON key and what the table calls it.
BUDGET = {
    "turns_per_second": "dialogue turns/s, 1 process on 1 core",
    "web_turns_per_second": "web chat turns/s, 1,000 conversations",
    "web_p99": "web chat p99, 1,000 conversations",
    "handoff_to_console_p99": "handoff help-seeker → console p99",
    "handoff_to_person_p99": "handoff console → help-seeker p99",
    "memory_idle_conversation": "Redis memory per idle conversation (state)",
    "memory_transcript_message": "Redis memory per transcript message",
    "startup": "start-up of fristad run to ready (embedded Redis)",
    "workers_1_turns_per_second": "web chat most turns/s, --workers 1",
    "workers_2_turns_per_second": "web chat most turns/s, --workers 2",
    "scaling_100_turns_per_second": "turns/s, 100 conversations",
    "scaling_100_p99": "p99, 100 conversations",
    "scaling_10000_turns_per_second": "turns/s, 10,000 conversations",
    "scaling_10000_p99": "p99, 10,000 conversations",
}


@pytest.mark.timeout(400)
def test_the_quick_run_reports_every_budget_figure(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {**os.environ, "COLUMNS": "250"}  # one line a row, whatever the terminal
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run"), "--quick", "--json", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=380,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = {figure["key"]: figure for figure in json.loads(results.read_text())["figures"]}
    for key, name in BUDGET.items():
        assert key in figures, key
        assert figures[key]["measured"] > 0, figures[key]
        assert figures[key]["name"] == name
        assert name in done.stdout, name
    for key in ("workers_2_offered_turns_per_second", "workers_2_offered_p99"):  # named by the size run
        assert figures[key]["measured"] > 0, figures[key]

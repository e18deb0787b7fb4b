"""The figures as a table in the terminal (rich), as markdown and as JSON."""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.figures import Figure

COLUMNS = ("figure", "target", "measured", "ratio", "verdict", "note")


def _cells(figure: Figure) -> tuple[str, ...]:
    measured = "failed" if math.isnan(figure.measured) else figure.shown()
    return (figure.name, figure.target, measured, figure.ratio_shown(), figure.verdict, figure.note)


def table(figures: Sequence[Figure], title: str = "") -> Table:
    view = Table(title=title or None, show_lines=False)
    for column in COLUMNS:
        # Only the note wraps: a figure's name stays on one line, where a log search finds it.
        view.add_column(
            column, justify="right" if column in ("measured", "ratio") else "left", no_wrap=column != "note"
        )
    group = None
    for figure in figures:
        if group is not None and figure.group != group:
            view.add_section()
        group = figure.group
        style = {"met": "green", "NOT MET": "bold red"}.get(figure.verdict)
        if math.isnan(figure.measured):
            style = "bold red"
        view.add_row(*_cells(figure), style=style)
    return view


def print_table(figures: Sequence[Figure], title: str = "", console: Console | None = None) -> None:
    (console or Console()).print(table(figures, title))


def markdown(figures: Sequence[Figure]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(f)) + " |" for f in figures]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    import os

    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def write_json(path: Path, figures: Sequence[Figure], **about: Any) -> None:
    data = {**about, "machine": machine(), "figures": [_jsonable(asdict(f)) for f in figures]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _jsonable(value: Any) -> Any:
    """NaN (a failed figure) as null: JSON has no NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value

"""One measured figure: what it is, its target, what was measured and whether it is met."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.common import cuts


@dataclass
class Figure:
    key: str  # stable name for the JSON and the test
    name: str  # what the table calls it
    target: str  # "—" where the budget has none
    measured: float
    unit: str
    ratio: float | None = None
    ratio_of: str = "target"  # what the ratio compares with: the target or an in-run baseline
    met: bool | None = None  # None: no target
    note: str = ""
    group: str = ""
    detail: dict[str, Any] = field(default_factory=dict)  # the numbers behind the figure, for the JSON

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "—"
        return "met" if self.met else "NOT MET"

    def shown(self) -> str:
        if self.unit == "x":
            return f"{self.measured:,.2f}x"
        if self.unit in ("ms", "s"):
            return f"{self.measured:,.1f} {self.unit}" if self.unit == "ms" else f"{self.measured:,.2f} s"
        return f"{self.measured:,.0f} {self.unit}"

    def ratio_shown(self) -> str:
        if self.ratio is None:
            return "—"
        return (
            f"{self.ratio:,.2f}x {self.ratio_of}"
            if self.ratio < 10
            else f"{self.ratio:,.0f}x {self.ratio_of}"
        )


def p99(
    key: str, name: str, seconds: list[float], note: str, group: str, target_ms: float | None = None
) -> Figure:
    """A latency figure: the p99 of `seconds`, with the p50 in the note."""
    p50, p99 = cuts(seconds)
    return Figure(
        key,
        name,
        "—" if target_ms is None else f"< {target_ms:g} ms",
        p99,
        "ms",
        ratio=None if target_ms is None else p99 / target_ms,
        met=None if target_ms is None else p99 < target_ms,
        note=f"p50 {p50:.1f} ms; {note}",
        group=group,
        detail={"p50_ms": p50, "samples": len(seconds)},
    )


def failed(key: str, name: str, group: str, error: BaseException) -> Figure:
    return Figure(
        key, name, "—", float("nan"), "", group=group, note=f"FAILED: {type(error).__name__}: {error}"
    )

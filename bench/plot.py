"""The scaling figure: web chat turns/s and p99 against concurrent conversations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bench.figures import Figure


def scaling_points(figures: Sequence[Figure]) -> dict[float, list[tuple[int, float, float]]]:
    """Per offered rate: (conversations, turns/s, p99 ms) of each HTTP-only offered load
    on one process (not the rows of `--workers 2`)."""
    points: dict[float, dict[int, tuple[int, float, float]]] = {}
    for figure in figures:
        if figure.group not in ("web", "scaling"):
            continue
        load = figure.detail
        if "conversations" in load and load.get("offered") and not load.get("websockets"):
            size = load["conversations"]
            points.setdefault(load["offered"], {})[size] = (size, load["turns_per_second"], load["p99_ms"])
    return {rate: sorted(by_size.values()) for rate, by_size in sorted(points.items(), reverse=True)}


def draw(figures: Sequence[Figure], path: Path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    series = scaling_points(figures)
    if not series:
        raise ValueError("no scaling figures to draw")
    sizes = sorted({p[0] for points in series.values() for p in points})
    fig, left = plt.subplots(figsize=(7.5, 4.5), dpi=120)
    left.set_xscale("log")
    right = left.twinx()
    for (rate, points), shade in zip(series.items(), ("tab:blue", "tab:cyan", "tab:purple"), strict=False):
        x = [p[0] for p in points]
        left.plot(x, [p[1] for p in points], "o-", color=shade, label=f"turns/s, {rate:,.0f}/s offered")
        left.axhline(rate, color=shade, linestyle=":", alpha=0.5)
        right.plot(x, [p[2] for p in points], "s--", color="tab:red" if shade == "tab:blue" else "tab:orange",
                   label=f"p99, {rate:,.0f}/s offered")  # fmt: skip
    right.axhline(25, color="tab:red", linestyle=":", alpha=0.5, label="p99 target (25 ms)")
    left.set_xlabel("concurrent conversations (log)")
    left.set_ylabel("turns/s achieved (dotted: offered)")
    left.set_ylim(bottom=0)
    right.set_yscale("log")
    right.set_ylim(bottom=1)
    right.set_ylabel("p99 latency (ms, log)")
    left.set_xticks(sizes, [f"{s:,}" for s in sizes])
    handles = left.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    labels = left.get_legend_handles_labels()[1] + right.get_legend_handles_labels()[1]
    left.legend(handles, labels, loc="upper left", fontsize=8)
    left.set_title(title or "Web chat: cost as conversations grow (one fristad run process)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)

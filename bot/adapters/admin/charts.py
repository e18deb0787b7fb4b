"""Small bar charts of the statistics as inline SVG, drawn on the server.

No script and no style attributes (a strict Content Security Policy blocks those): only
presentation attributes and classes, and `currentColor` so the page's CSS decides the
colours. Every text is escaped. Each chart is an image with a title for screen readers
and a description that lists every value, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 480
BAR_HEIGHT = 20
GAP = 6
TITLE_HEIGHT = 28
LABEL_WIDTH = 170  # left column of the horizontal chart
NUMBER_WIDTH = 50  # room right of the longest bar for its number
MAX_LABEL_CHARS = 24  # a longer label is cut in the picture (whole in the description)
PLOT_HEIGHT = 160  # the vertical chart's bars
AXIS_HEIGHT = 22  # below the vertical chart: first and last day
FONT_SIZE = 13


def bar_chart(title: str, bars: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, one per (label, count), in the given order, each with its number."""
    height = TITLE_HEIGHT + max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    parts = [_open(title, bars, height)]
    if not bars:
        parts.append(_text(0, TITLE_HEIGHT + BAR_HEIGHT - GAP, "–", "chart-empty"))
    top = max((count for _, count in bars), default=0)
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    for i, (label, count) in enumerate(bars):
        y = TITLE_HEIGHT + i * (BAR_HEIGHT + GAP)
        length = round(room * count / top) if top > 0 else 0
        middle = y + BAR_HEIGHT / 2 + FONT_SIZE / 3
        parts.append(_text(0, middle, _cut(label), "chart-label"))
        parts.append(
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"'
            f' fill="currentColor"><title>{escape(label)}: {count}</title></rect>'
        )
        parts.append(_text(LABEL_WIDTH + length + 6, middle, str(count), "chart-number"))
    parts.append("</svg>")
    return "".join(parts)


def daily_chart(title: str, days: Sequence[tuple[str, int]]) -> str:
    """Vertical bars, one per (day, count) in the given order: conversations per day.
    Numbers are written on the bars while they fit (a month); the first and last day
    name the axis."""
    height = TITLE_HEIGHT + PLOT_HEIGHT + AXIS_HEIGHT
    parts = [_open(title, days, height)]
    top = max((count for _, count in days), default=0)
    step = WIDTH / max(len(days), 1)
    width = max(step - (2 if step > 4 else 0), 1)
    numbers = step >= FONT_SIZE * 1.4
    base = TITLE_HEIGHT + PLOT_HEIGHT
    for i, (day, count) in enumerate(days):
        length = round((PLOT_HEIGHT - FONT_SIZE - 4) * count / top) if top > 0 else 0
        x = i * step
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{base - length}" width="{width:.1f}"'
            f' height="{length}" fill="currentColor"><title>{escape(day)}: {count}</title></rect>'
        )
        if numbers and count:
            parts.append(_text(x + width / 2, base - length - 3, str(count), "chart-number", anchor="middle"))
    parts.append(
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="currentColor" stroke-width="1"/>'
    )
    if days:
        parts.append(_text(0, base + AXIS_HEIGHT - 6, days[0][0], "chart-axis"))
        if len(days) > 1:
            parts.append(_text(WIDTH, base + AXIS_HEIGHT - 6, days[-1][0], "chart-axis", anchor="end"))
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, values: Sequence[tuple[str, int]], height: float) -> str:
    listed = "; ".join(f"{label}: {count}" for label, count in values) or "–"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}"'
        f' height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" fill="currentColor"'
        f' font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title><desc>{escape(listed)}</desc>"
        f'<text class="chart-title" x="0" y="{FONT_SIZE + 4}" font-weight="bold"'
        f' aria-hidden="true">{escape(title)}</text>'
    )


def _text(x: float, y: float, text: str, css_class: str, anchor: str = "start") -> str:
    # The description already says every value: the drawn words are not read twice.
    return (
        f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
        f' aria-hidden="true">{escape(text)}</text>'
    )


def _cut(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else f"{label[: MAX_LABEL_CHARS - 1]}…"

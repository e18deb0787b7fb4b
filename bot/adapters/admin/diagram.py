"""A flow drawn as an SVG diagram: states in columns by their distance from the start,
arrows for the options, dashed arrows for the global actions (from any state)."""

from __future__ import annotations

from collections import deque
from html import escape

from bot.core.flow import Flow

BOX_WIDTH, BOX_HEIGHT = 170, 30
COLUMN, ROW, MARGIN = 230, 44, 20
ANY_STATE = "(alla lägen)"


def layers(flow: Flow) -> list[list[str]]:
    """The states by distance from the start (breadth first), unreachable ones last."""
    # A start state that does not exist (yet, as an admin types) leaves every state unplaced.
    depth = {flow.start: 0} if flow.start in flow.states else {}
    queue = deque(depth)
    while queue:
        name = queue.popleft()
        for option in flow.states[name].options:
            if option.goto in flow.states and option.goto not in depth:
                depth[option.goto] = depth[name] + 1
                queue.append(option.goto)
    last = max(depth.values(), default=0)
    for name in flow.states:
        depth.setdefault(name, last + 1)
    columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for name in flow.states:
        columns[depth[name]].append(name)
    return columns


def flow_svg(flow: Flow) -> str:
    columns = layers(flow)
    globals_ = [a for a in flow.global_actions.values() if a.goto in flow.states]
    top = MARGIN + (ROW if globals_ else 0)  # the "any state" box sits above column 0
    where: dict[str, tuple[int, int]] = {}
    for c, names in enumerate(columns):
        for r, name in enumerate(names):
            where[name] = (MARGIN + c * COLUMN, top + r * ROW)
    width = MARGIN * 2 + len(columns) * COLUMN
    height = top + max((len(names) for names in columns), default=0) * ROW + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="diagram-title">',
        f'<title id="diagram-title">Flödet {escape(flow.id)}: {len(flow.states)} lägen</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ]
    for state in flow.states.values():
        for option in state.options:
            if option.goto in where:
                parts.append(_edge(where[state.name], where[option.goto], "edge"))
    if globals_:
        any_at = (MARGIN, MARGIN - 6)
        for action in globals_:
            assert action.goto is not None
            parts.append(_edge(any_at, where[action.goto], "edge global"))
        parts.append(_box(any_at, ANY_STATE, "any"))
    for state in flow.states.values():
        kind = (
            "danger"
            if state.danger
            else "handoff"
            if state.is_terminal
            else "start"
            if state.name == flow.start
            else ""
        )
        parts.append(_box(where[state.name], state.name, f"state {kind}".strip(), state.name))
    parts.append("</svg>")
    return "".join(parts)


def _box(at: tuple[int, int], label: str, kind: str, state: str | None = None) -> str:
    x, y = at
    data = f' data-state="{escape(state)}"' if state else ""
    return (
        f'<g class="{kind}"{data}><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6"/>'
        f'<text x="{x + 8}" y="{y + 20}">{escape(label)}</text></g>'
    )


def _edge(source: tuple[int, int], target: tuple[int, int], kind: str) -> str:
    (x1, y1), (x2, y2) = source, target
    start = (x1 + BOX_WIDTH, y1 + BOX_HEIGHT // 2)
    end = (x2, y2 + BOX_HEIGHT // 2)
    if x2 <= x1:  # back to an earlier column: loop round below the boxes
        start = (x1 + BOX_WIDTH // 2, y1 + BOX_HEIGHT)
        end = (x2 + BOX_WIDTH // 2, y2 + BOX_HEIGHT)
        bend = max(y1, y2) + BOX_HEIGHT + 24
        path = f"M{start[0]},{start[1]} C{start[0]},{bend} {end[0]},{bend} {end[0]},{end[1]}"
    else:
        middle = (start[0] + end[0]) // 2
        path = f"M{start[0]},{start[1]} C{middle},{start[1]} {middle},{end[1]} {end[0]},{end[1]}"
    return f'<path class="{kind}" d="{path}" marker-end="url(#arrow)"/>'

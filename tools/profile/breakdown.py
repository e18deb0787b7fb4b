"""Where a turn's time goes, from a profile written by turns.py or web_chat.py (--out):
the cumulative time per turn of the parts of the turn loop and the web chat path, and
their share of the whole.

    python tools/profile/breakdown.py /tmp/turns.prof --turns 20100 [--root turns]
    python tools/profile/breakdown.py /tmp/web.prof --turns 20000 --root web

Coroutines count once per resumption in cProfile, so "calls per turn" of an async
function is how often it ran, not how often it was awaited; times are per turn.
"""

from __future__ import annotations

import argparse
import pstats

ROOTS = {
    "turns": "tools/profile/turns.py",  # the conversation driver: everything a turn does
    "web": "aiohttp/web_protocol.py:567(_handle_request)",  # everything a request does
}

PARTS = (
    ("DialogueService.take_turn", "bot/core/dialogue.py", "(take_turn)"),
    ("  store.load_for_turn", "conversation_store.py", "(load_for_turn)"),
    ("  store.save", "conversation_store.py", "(save)"),
    ("    sealing the transcript (JSON, AES-GCM)", "conversation_store.py", "(_sealed_turn)"),
    ("  statistics (Statistics.count)", "adapters/statistics.py", "(count)"),
    ("  Engine.step", "bot/core/engine.py", "(step)"),
    ("    transitions Event.trigger", "transitions/core.py", "(trigger)"),
    ("  Handoffs.settle", "bot/core/handoff.py", "(settle)"),
    ("    case_code (SHA-256, base32)", "bot/core/handoff.py", "(case_code)"),
    ("redis-py: execute_command", "redis/asyncio/client.py", "(execute_command)"),
    ("  connection pool: get_connection", "redis/asyncio/connection.py", "(get_connection)"),
    ("  pack_command", "redis/asyncio/connection.py", "(pack_command)"),
    ("  socket writes", "asyncio/streams.py", "(writelines)"),
    ("Translator.format", "bot/core/translator.py", "(format)"),
    ("json.dumps", "json/__init__.py", "(dumps)"),
    ("json.loads", "json/__init__.py", "(loads)"),
    ("dataclasses.replace", "dataclasses.py", "(replace)"),
    ("dataclasses.asdict", "dataclasses.py", "(asdict)"),
    ("web: send_message", "web_chat/api.py", "(send_message)"),
    ("web: replies to JSON", "web_chat/api.py", "(replies_json)"),
    ("web: turn_response", "web_chat/api.py", "(turn_response)"),
    ("web: json_body", "web_chat/api.py", "(json_body)"),
    ("aiohttp: finish_response", "aiohttp/web_protocol.py", "(finish_response)"),
)


def main(path: str, turns: int, root: str) -> None:
    stats = pstats.Stats(path)
    entries = stats.stats  # type: ignore[attr-defined]

    def matching(where: str, name: str) -> list[tuple[int, float]]:
        return [
            (value[0], value[3])
            for (file, line, function), value in entries.items()
            if where in f"{file}:{line}({function})" and f"({function})" == name
        ]

    pattern = ROOTS[root]
    whole = max(
        value[3]
        for (file, line, function), value in entries.items()
        if pattern in f"{file}:{line}({function})"
    )
    total_calls = stats.total_calls  # type: ignore[attr-defined]
    print(
        f"{path}: {total_calls / turns:,.0f} function calls per turn, {whole / turns * 1e6:,.0f} µs per turn"
    )
    print(f"{'part':45} {'µs/turn':>8} {'share':>6} {'calls/turn':>10}")
    for label, where, name in PARTS:
        found = matching(where, name)
        if not found:
            continue
        calls = sum(n for n, _ in found)
        cumulative = sum(t for _, t in found)
        print(
            f"{label:45} {cumulative / turns * 1e6:8.1f} {100 * cumulative / whole:5.1f}% {calls / turns:10.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("profile")
    parser.add_argument("--turns", type=int, required=True)
    parser.add_argument("--root", choices=tuple(ROOTS), default="turns")
    args = parser.parse_args()
    main(args.profile, args.turns, args.root)

"""The configuration reference in docs/operations.md, made from the settings themselves
(`ENVIRONMENT` in bot/app/settings.py), so that it cannot drift from what Fristad reads.

    python -m bot.app.config_reference docs/operations.md           # rewrite the section
    python -m bot.app.config_reference --check docs/operations.md   # exit 1 when it is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.app.settings import ENVIRONMENT

BEGIN = "<!-- settings: made by `python -m bot.app.config_reference docs/operations.md`; do not edit -->"
END = "<!-- settings: end -->"


def settings_table() -> str:
    rows = ["| Setting | Default | Meaning |", "|---|---|---|"]
    rows += [
        f"| `{name}` | {default} | {meaning.replace('|', '/')} |"
        for name, (default, meaning) in ENVIRONMENT.items()
    ]
    return "\n".join(rows)


def with_reference(document: str) -> str:
    """`document` with the text between its two markers replaced by the table."""
    before, begin, rest = document.partition(BEGIN)
    _, end, after = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document has no section between {BEGIN!r} and {END!r}")
    return f"{before}{BEGIN}\n{settings_table()}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write or check the configuration reference.")
    parser.add_argument("document", type=Path)
    parser.add_argument("--check", action="store_true", help="only say whether it is up to date")
    args = parser.parse_args(argv)
    text = args.document.read_text(encoding="utf-8")
    made = with_reference(text)
    if args.check:
        if made != text:
            print(
                f"{args.document}: the configuration reference is stale; run without --check", file=sys.stderr
            )
            return 1
        return 0
    args.document.write_text(made, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

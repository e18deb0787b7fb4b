"""Local phone numbers of one deployment (social services, the social on-call service,
ATV, the women's shelter), per municipality. Empty by default: the numbers are not in
the verified facts, so each deployment checks and sets its own."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.flow import Flow
from bot.errors import Problem

# The entry used when the help-seeker has not said where they live, or theirs has none.
DEFAULT = "default"
PHONE_NUMBER = re.compile(r"^\+?[0-9][0-9 -]{1,18}[0-9]\Z")


@dataclass(frozen=True)
class LocalNumbers:
    by_municipality: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def for_municipality(self, municipality: str | None) -> Mapping[str, str]:
        """The numbers that apply: the municipality's own over the default ones."""
        numbers = dict(self.by_municipality.get(DEFAULT, {}))
        if municipality is not None:
            numbers.update(self.by_municipality.get(municipality, {}))
        return numbers


def parse_local_numbers(data: Any, file: str, flows: Sequence[Flow]) -> tuple[LocalNumbers, list[Problem]]:
    """Read `{municipality or "default": {number name: "08-..." or ""}}`; an empty value
    means not set."""
    if data is None:
        return LocalNumbers(), []
    if not isinstance(data, dict):
        return LocalNumbers(), [Problem(file, "", "must map municipalities to their numbers")]
    names = {name for flow in flows for name in flow.local_numbers}
    places = {DEFAULT} | {m for flow in flows for m in flow.municipalities}
    problems: list[Problem] = []
    result: dict[str, dict[str, str]] = {}
    for place, numbers in data.items():
        if place not in places:
            problems.append(
                Problem(file, str(place), f"unknown municipality (known: {', '.join(sorted(places))})")
            )
            continue
        if not isinstance(numbers, dict):
            problems.append(Problem(file, place, "must map number names to phone numbers"))
            continue
        for name, number in numbers.items():
            where = f"{place}.{name}"
            if name not in names:
                problems.append(Problem(file, where, f"unknown number (known: {', '.join(sorted(names))})"))
            elif number is None or number == "":
                continue
            elif not isinstance(number, str) or not PHONE_NUMBER.match(number):
                problems.append(
                    Problem(
                        file,
                        where,
                        f"{number!r} is not a phone number (digits, spaces and '-' in quotes, like '08-555 123 45')",
                    )
                )
            else:
                result.setdefault(place, {})[name] = number
    return LocalNumbers(result), problems

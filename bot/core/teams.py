"""The teams that answer handoffs: which team serves which municipality for each kind of
help (the `handoff:` name in the flows), and when each team is there."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.flow import NAME, Flow
from bot.errors import Problem

DEFAULT_LEASE_SECONDS = 60  # how long a claim holds without a live console
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)\Z")


@dataclass(frozen=True)
class Team:
    id: str
    service: str  # the flows' handoff name it answers ("support", "atv")
    name: str
    hours: Mapping[int, tuple[time, time]]  # weekday (Monday 0) -> open, close
    municipalities: frozenset[str]
    default: bool  # for people who did not say where they live, or live elsewhere


@dataclass(frozen=True)
class Teams:
    teams: Mapping[str, Team]
    timezone: ZoneInfo
    no_answer_seconds: int  # nobody has claimed for this long: tell the person
    lease_seconds: int  # a claim comes back when its console stops renewing for this long

    def route(self, service: str, municipality: str | None) -> Team:
        """The team that answers this kind of help for this municipality."""
        candidates = [t for t in self.teams.values() if t.service == service]
        for team in candidates:
            if municipality is not None and municipality in team.municipalities:
                return team
        return next(t for t in candidates if t.default)

    def is_open(self, team: Team, at: datetime) -> bool:
        local = at.astimezone(self.timezone)
        hours = team.hours.get(local.weekday())
        return hours is not None and hours[0] <= local.time() < hours[1]


def parse_teams(data: Any, file: str, flows: Sequence[Flow]) -> tuple[Teams | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(where: str, message: str) -> None:
        problems.append(Problem(file, where, message))

    if not isinstance(data, dict):
        return None, [Problem(file, "", "must be a mapping with timezone, teams and times")]
    try:
        timezone = ZoneInfo(str(data.get("timezone", "Europe/Stockholm")))
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", "is not a known time zone (like Europe/Stockholm)")
        timezone = ZoneInfo("UTC")
    no_answer = _whole_number(data, "no_answer_minutes", 15, 24 * 60, problem) * 60
    lease = _whole_number(data, "lease_seconds", DEFAULT_LEASE_SECONDS, 3600, problem)
    teams: dict[str, Team] = {}
    raw_teams = data.get("teams")
    if not isinstance(raw_teams, dict) or not raw_teams:
        problem("teams", "must name at least one team")
        raw_teams = {}
    places = {m for flow in flows for m in flow.municipalities} - {"other"}
    check_places = bool(places)  # a flow that asks no municipality routes everyone to a default team
    for team_id, raw in raw_teams.items():
        where = f"teams.{team_id}"
        if not isinstance(team_id, str) or not NAME.match(team_id) or not isinstance(raw, dict):
            problem(where, f"must be a name (expected {NAME.pattern}) with the team's settings")
            continue
        hours: dict[int, tuple[time, time]] = {}
        for day, span in (raw.get("hours") or {}).items():
            match = HOURS.match(str(span))
            if day not in DAYS or match is None:
                problem(f"{where}.hours.{day}", 'must be a day (mon ... sun) with "HH:MM-HH:MM"')
                continue
            start, end = time(int(match[1]), int(match[2])), _end(int(match[3]), int(match[4]))
            if start >= end:
                problem(f"{where}.hours.{day}", "closes before it opens")
            hours[DAYS.index(day)] = (start, end)
        municipalities = frozenset(str(m) for m in raw.get("municipalities") or ())
        for unknown in sorted(municipalities - places if check_places else ()):
            problem(f"{where}.municipalities", f"{unknown!r} is not a municipality of the flows")
        teams[team_id] = Team(
            id=team_id,
            service=str(raw.get("service", "")),
            name=str(raw.get("name", team_id)),
            hours=hours,
            municipalities=municipalities,
            default=bool(raw.get("default", False)),
        )
    services = {s.handoff for flow in flows for s in flow.states.values() if s.handoff}
    for service in sorted(services):
        if not any(t.service == service and t.default for t in teams.values()):
            problem("teams", f"no default team answers the handoff {service!r} of the flows")
    if problems:
        return None, problems
    return Teams(teams, timezone, no_answer, lease), []


def _end(hour: int, minute: int) -> time:
    return time.max if (hour, minute) == (24, 0) else time(hour, minute)


def _whole_number(data: Mapping[str, Any], name: str, default: int, most: int, problem: Any) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
        problem(name, f"must be a whole number from 1 to {most}")
        return default
    return value

"""Reads the content (flows/*.yaml, locales/<lang>/*.ftl and the deployment's local
numbers) and checks it whole."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.flow import LANGUAGE, Flow, parse_flow
from bot.core.local_numbers import LocalNumbers, parse_local_numbers
from bot.core.teams import Teams, parse_teams
from bot.core.translator import Catalogue, CatalogueFile, parse_catalogue
from bot.core.validation import Coverage, check_catalogues, check_flows, check_keywords, coverage
from bot.errors import ContentError, Problem


@dataclass
class Content:
    flows: list[Flow] = field(default_factory=list)
    catalogues: dict[str, Catalogue] = field(default_factory=dict)
    local_numbers: LocalNumbers = field(default_factory=LocalNumbers)
    teams: Teams | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def coverage(self) -> list[Coverage]:
        return coverage(self.catalogues)

    def require_valid(self) -> Content:
        if self.problems:
            raise ContentError(self.problems)
        return self


def load_content(
    flows_dir: Path, locales_dir: Path, local_numbers_file: Path | None = None, teams_file: Path | None = None
) -> Content:
    """Load and check everything; problems are collected, never raised, so that one
    run reports all of them."""
    content = Content()
    if not flows_dir.is_dir():
        content.problems.append(Problem(str(flows_dir), "", "the flows folder does not exist"))
    else:
        unreadable = 0
        for path in sorted(flows_dir.glob("*.yaml")):
            flow, problems = _read_flow(path)
            content.problems += problems
            if flow is not None:
                content.flows.append(flow)
            unreadable += flow is None
        if not unreadable:
            content.problems += check_flows(content.flows)
    if not locales_dir.is_dir():
        content.problems.append(Problem(str(locales_dir), "", "the locales folder does not exist"))
    else:
        for folder in sorted(p for p in locales_dir.iterdir() if p.is_dir()):
            if not LANGUAGE.match(folder.name):
                content.problems.append(
                    Problem(str(folder), "", "folder name is not a language code (like sv, en, ar)")
                )
                continue
            files = [_read_catalogue_file(p, content.problems) for p in sorted(folder.glob("*.ftl"))]
            catalogue, problems = parse_catalogue(folder.name, [f for f in files if f])
            content.problems += problems
            content.catalogues[folder.name] = catalogue
    content.problems += check_catalogues(content.flows, content.catalogues)
    content.problems += check_keywords(content.flows, content.catalogues)
    if teams_file is not None:
        data, problems = _read_yaml(teams_file)
        content.problems += problems
        if not problems:
            content.teams, problems = parse_teams(data, str(teams_file), content.flows)
            content.problems += problems
    if local_numbers_file is not None:
        data, problems = _read_yaml(local_numbers_file)
        content.problems += problems
        if not problems:
            content.local_numbers, problems = parse_local_numbers(
                data, str(local_numbers_file), content.flows
            )
            content.problems += problems
    return content


def _read_flow(path: Path) -> tuple[Flow | None, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(str(path), "", f"cannot be read: {err.strerror}")]
    data, problems = _parse_yaml(raw, str(path))
    if problems:
        return None, problems
    return parse_flow(data, str(path), hashlib.sha256(raw).hexdigest()[:12])


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return _parse_yaml(path.read_bytes(), str(path))
    except OSError as err:
        return None, [Problem(str(path), "", f"cannot be read: {err.strerror}")]


def _parse_yaml(raw: bytes, name: str) -> tuple[Any, list[Problem]]:
    try:
        return yaml.safe_load(raw), []
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(err, "problem", None) or "is not valid YAML"
        return None, [Problem(name, where, f"YAML syntax error: {reason}")]


def _read_catalogue_file(path: Path, problems: list[Problem]) -> CatalogueFile | None:
    try:
        return CatalogueFile(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        problems.append(Problem(str(path), "", f"cannot be read as UTF-8 text: {err}"))
        return None

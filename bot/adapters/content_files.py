"""The content (flows/*.yaml, locales/<lang>/*.ftl) as a set of named files, and its
check as a whole with the deployment's own files (teams, local numbers).

A content set is `{"flows/main.yaml": text, "locales/sv/main.ftl": text, ...}`: the
shipped folders read from disk, or a version an admin published (kept in Redis).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
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

ContentFiles = Mapping[str, str]
# libyaml's safe loader: about twenty times faster than PyYAML's own, which a publish and
# the admin pages' check as you type would otherwise wait for.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FLOWS = "flows/"
LOCALES = "locales/"
# Which Swedish text each translation was made from (a hash per language and message), so
# that a changed Swedish text shows its translations as outdated. Not Fluent: kept beside.
TRANSLATED_FROM = "locales/translated-from.json"


@dataclass(frozen=True)
class Deployment:
    """This deployment's own files, not versioned with the content: read once at
    start-up, and checked again against every content version."""

    teams: tuple[Any, str] | None = None  # (YAML data, file name)
    local_numbers: tuple[Any, str] | None = None
    problems: tuple[Problem, ...] = ()


@dataclass
class Content:
    flows: list[Flow] = field(default_factory=list)
    catalogues: dict[str, Catalogue] = field(default_factory=dict)
    local_numbers: LocalNumbers = field(default_factory=LocalNumbers)
    teams: Teams | None = None
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    deployment: Deployment = field(default_factory=Deployment)

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
    """Read and check everything; problems are collected, never raised, so that one run
    reports all of them."""
    files, problems = read_content_files(flows_dir, locales_dir)
    deployment = read_deployment(local_numbers_file, teams_file)

    def where(name: str) -> str:
        if name.startswith(FLOWS):
            return str(flows_dir / name.removeprefix(FLOWS))
        return str(locales_dir / name.removeprefix(LOCALES))

    content = check_content(files, deployment, where)
    content.problems[:0] = problems
    return content


def read_content_files(flows_dir: Path, locales_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    files: dict[str, str] = {}
    problems: list[Problem] = []

    def read(path: Path, name: str) -> None:
        try:
            files[name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            problems.append(Problem(str(path), "", f"cannot be read as UTF-8 text: {err}"))

    if not flows_dir.is_dir():
        problems.append(Problem(str(flows_dir), "", "the flows folder does not exist"))
    else:
        for path in sorted(flows_dir.glob("*.yaml")):
            read(path, f"{FLOWS}{path.name}")
    if not locales_dir.is_dir():
        problems.append(Problem(str(locales_dir), "", "the locales folder does not exist"))
        return files, problems
    for folder in sorted(p for p in locales_dir.iterdir() if p.is_dir()):
        if not LANGUAGE.match(folder.name):
            problems.append(Problem(str(folder), "", "folder name is not a language code (like sv, en, ar)"))
            continue
        for path in sorted(folder.glob("*.ftl")):
            read(path, f"{LOCALES}{folder.name}/{path.name}")
    if (locales_dir / "translated-from.json").is_file():
        read(locales_dir / "translated-from.json", TRANSLATED_FROM)
    return files, problems


def write_content_files(files: ContentFiles, flows_dir: Path, locales_dir: Path) -> None:
    """Write a content set to the folders, and remove the flow and catalogue files it does
    not have, so that the folders hold exactly that set."""
    for old in [
        *flows_dir.glob("*.yaml"),
        *locales_dir.glob("*/*.ftl"),
        locales_dir / "translated-from.json",
    ]:
        if _name_in(old, flows_dir, locales_dir) not in files:
            old.unlink(missing_ok=True)
    for name, text in files.items():
        path = (
            flows_dir / name.removeprefix(FLOWS)
            if name.startswith(FLOWS)
            else locales_dir / name.removeprefix(LOCALES)
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _name_in(path: Path, flows_dir: Path, locales_dir: Path) -> str:
    if path.parent == flows_dir:
        return f"{FLOWS}{path.name}"
    return f"{LOCALES}{path.relative_to(locales_dir).as_posix()}"


def read_deployment(local_numbers_file: Path | None, teams_file: Path | None) -> Deployment:
    problems: list[Problem] = []

    def read(path: Path | None) -> tuple[Any, str] | None:
        if path is None:
            return None
        data, found = _read_yaml(path)
        problems.extend(found)
        return None if found else (data, str(path))

    return Deployment(read(teams_file), read(local_numbers_file), tuple(problems))


def check_content(files: ContentFiles, deployment: Deployment, where: Callable[[str], str] = str) -> Content:
    """Parse and check a content set with the deployment's files; every problem found
    is in `problems`, named by `where(file name)`."""
    content = Content(files=dict(files), deployment=deployment, problems=list(deployment.problems))
    unreadable = 0
    catalogue_files: dict[str, list[CatalogueFile]] = {}
    for name, text in sorted(files.items()):
        if name.startswith(FLOWS) and name.endswith(".yaml"):
            flow, problems = _parse_flow(text, where(name))
            content.problems += problems
            if flow is not None:
                content.flows.append(flow)
            unreadable += flow is None
        elif name.startswith(LOCALES) and name.endswith(".ftl"):
            language = name.removeprefix(LOCALES).partition("/")[0]
            catalogue_files.setdefault(language, []).append(CatalogueFile(where(name), text))
        elif name != TRANSLATED_FROM:
            content.problems.append(Problem(where(name), "", "is neither a flow nor a catalogue file"))
    if not unreadable:
        content.problems += check_flows(content.flows)
    for language, catalogue_list in sorted(catalogue_files.items()):
        if not LANGUAGE.match(language):
            content.problems.append(
                Problem(where(f"{LOCALES}{language}"), "", "is not a language code (like sv, en, ar)")
            )
            continue
        catalogue, problems = _parsed_catalogue(language, tuple(catalogue_list))
        content.problems += problems
        content.catalogues[language] = catalogue
    content.problems += check_catalogues(content.flows, content.catalogues)
    content.problems += check_keywords(content.flows, content.catalogues)
    if deployment.teams is not None:
        data, name = deployment.teams
        content.teams, problems = parse_teams(data, name, content.flows)
        content.problems += problems
    if deployment.local_numbers is not None:
        data, name = deployment.local_numbers
        content.local_numbers, problems = parse_local_numbers(data, name, content.flows)
        content.problems += problems
    return content


@functools.lru_cache(maxsize=64)
def _parsed_catalogue(language: str, files: tuple[CatalogueFile, ...]) -> tuple[Catalogue, list[Problem]]:
    """Parsing is most of a check's time; a publish or an edit mostly changes one
    language, so the others' parsed catalogues (read-only once made) are reused."""
    return parse_catalogue(language, files)


def translated_from(files: ContentFiles) -> dict[str, dict[str, str]]:
    """Language -> message id -> the hash of the Swedish text its translation follows."""
    try:
        data = json.loads(files.get(TRANSLATED_FROM, "{}"))
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(lang): {str(k): str(v) for k, v in messages.items()}
        for lang, messages in data.items()
        if isinstance(messages, dict)
    }


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _parse_flow(text: str, name: str) -> tuple[Flow | None, list[Problem]]:
    data, problems = _parse_yaml(text.encode(), name)
    if problems:
        return None, problems
    return parse_flow(data, name, source_hash(text))


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    try:
        return _parse_yaml(path.read_bytes(), str(path))
    except OSError as err:
        return None, [Problem(str(path), "", f"cannot be read: {err.strerror}")]


def _parse_yaml(raw: bytes, name: str) -> tuple[Any, list[Problem]]:
    try:
        return yaml.load(raw, Loader=SAFE_LOADER), []  # noqa: S506 (a safe loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(err, "problem", None) or "is not valid YAML"
        return None, [Problem(name, where, f"YAML syntax error: {reason}")]

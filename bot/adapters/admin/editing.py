"""What the admin pages do to a content set: find the line a problem is on, read and
change one message of a catalogue, and tell which translations are missing or outdated."""

from __future__ import annotations

import functools
import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml
from fluent.syntax import FluentParser, ast

from bot.adapters.content_files import (
    FLOWS,
    LOCALES,
    SAFE_LOADER,
    TRANSLATED_FROM,
    ContentFiles,
    source_hash,
    translated_from,
)
from bot.core.translator import REFERENCE_LANGUAGE, CatalogueFile, parse_catalogue
from bot.errors import Problem

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_LINE = re.compile(r"^line (\d+)")


def problem_lines(problems: Sequence[Problem], text: str) -> list[int | None]:
    """The line (from 1) of each flow problem: "line 12, column 3" as given, or the node
    its path names ("states.welcome.options[1].goto") in the YAML text."""
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        root = None
    return [_line(problem.location, root) for problem in problems]


def _line(location: str, node: yaml.Node | None) -> int | None:
    if match := _LINE.match(location):
        return int(match.group(1))
    line = None
    for name, index in _STEP.findall(location):
        if node is None:
            break
        line = node.start_mark.line + 1
        node = _child(node, name, int(index) if index else None)
    return node.start_mark.line + 1 if node is not None else line


def _child(node: yaml.Node, name: str, index: int | None) -> yaml.Node | None:
    if index is not None:
        return node.value[index] if isinstance(node, yaml.SequenceNode) and index < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == name:
                return value  # type: ignore[no-any-return]
    return None


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    file: str  # content file name, "locales/sv/main.ftl"
    source: str  # the text as written after "id =", without its indentation
    start: int  # where in the file the message begins (after a comment above it) and ends
    end: int


def messages(files: ContentFiles, language: str) -> dict[str, Message]:
    """Every message of a language, as written."""
    found: dict[str, Message] = {}
    prefix = f"{LOCALES}{language}/"
    for name, text in sorted(files.items()):
        if not (name.startswith(prefix) and name.endswith(".ftl")):
            continue
        for entry, start, end in _entries(text):
            if isinstance(entry, ast.Message) and entry.id.name not in found:
                found[entry.id.name] = Message(
                    entry.id.name, name, _value_source(text[start:end]), start, end
                )
    return found


@functools.lru_cache(maxsize=128)  # the pages read the same files again and again
def _entries(text: str) -> list[tuple[ast.EntryType, int, int]]:
    resource = FluentParser(with_spans=True).parse(text)
    # A message's span takes in the comment above it, which an edit keeps.
    return [
        (e, e.id.span.start if isinstance(e, ast.Message) and e.id.span else e.span.start, e.span.end)
        for e in resource.body
        if e.span is not None
    ]


def _value_source(entry: str) -> str:
    _, _, value = entry.partition("=")
    first, _, rest = value.partition("\n")
    return "\n".join(part for part in (first.strip(), textwrap.dedent(rest).rstrip("\n")) if part)


def message_entry(message_id: str, source: str) -> str:
    """The Fluent text of a message: one line, or an indented block for several."""
    lines = source.strip("\n").split("\n")
    if len(lines) == 1:
        return f"{message_id} = {lines[0].strip()}\n"
    return f"{message_id} =\n" + "".join(f"    {line}\n" if line.strip() else "\n" for line in lines)


def check_message(message_id: str, source: str) -> tuple[frozenset[str], str | None]:
    """The variables a message uses, and what is wrong with its Fluent syntax if anything."""
    if not source.strip():
        return frozenset(), "the text is empty"
    catalogue, problems = parse_catalogue("xx", [CatalogueFile("message", message_entry(message_id, source))])
    if problems:
        return frozenset(), problems[0].message
    if message_id not in catalogue.variables:
        return frozenset(), "is not one message: a line may start with a character Fluent reads as syntax"
    return catalogue.variables[message_id], None


def set_messages(files: ContentFiles, language: str, changes: Mapping[str, str]) -> dict[str, str]:
    """The files with those messages of a language replaced (the rest of each file kept
    as it was), or added to the file named like the Swedish one; translations marked as
    made from today's Swedish text."""
    new = dict(files)
    existing = messages(files, language)
    reference = messages(files, REFERENCE_LANGUAGE)
    edits: dict[str, list[tuple[int, int, str]]] = {}
    for message_id, source in changes.items():
        entry = message_entry(message_id, source)
        if (own := existing.get(message_id)) is not None:
            edits.setdefault(own.file, []).append((own.start, own.end, entry))
        else:
            file_name = (
                reference[message_id].file.rsplit("/", 1)[1] if message_id in reference else "main.ftl"
            )
            name = f"{LOCALES}{language}/{file_name}"
            text = new.get(name, "")
            new[name] = text + ("" if not text or text.endswith("\n") else "\n") + entry
    for name, spans in edits.items():
        text = new[name]
        for start, end, entry in sorted(spans, reverse=True):  # from the end: offsets stay true
            text = text[:start] + entry + text[end:].removeprefix("\n")
        new[name] = text
    if language != REFERENCE_LANGUAGE:
        sources = translated_from(new)
        made_from = sources.setdefault(language, {})
        for message_id in changes:
            if message_id in reference:
                made_from[message_id] = source_hash(reference[message_id].source)
        new[TRANSLATED_FROM] = _json(sources)
    return new


def with_sources(files: ContentFiles) -> dict[str, str]:
    """The files with every translation that has no record of its Swedish source taken as
    made from today's Swedish text (the shipped files are translated as a whole)."""
    reference = messages(files, REFERENCE_LANGUAGE)
    sources = translated_from(files)
    for language in languages(files):
        if language == REFERENCE_LANGUAGE:
            continue
        known = sources.setdefault(language, {})
        for message_id in messages(files, language):
            if message_id in reference and message_id not in known:
                known[message_id] = source_hash(reference[message_id].source)
    return {**files, TRANSLATED_FROM: _json(sources)}


def languages(files: ContentFiles) -> list[str]:
    found = {name.removeprefix(LOCALES).partition("/")[0] for name in files if name.endswith(".ftl")}
    return sorted(found, key=lambda lang: (lang != REFERENCE_LANGUAGE, lang))


@dataclass(frozen=True, slots=True)
class TextRow:
    id: str
    reference: str
    translation: str | None
    status: str  # "ok", "missing" or "outdated"


def text_rows(files: ContentFiles, language: str) -> list[TextRow]:
    """Every Swedish message beside its translation, in the order of the Swedish files."""
    reference = messages(files, REFERENCE_LANGUAGE)
    mine = messages(files, language)
    made_from = translated_from(files).get(language, {})
    rows = []
    for message_id, ref in reference.items():
        own = mine.get(message_id)
        if own is None:
            status = "missing"
        elif language != REFERENCE_LANGUAGE and made_from.get(
            message_id, source_hash(ref.source)
        ) != source_hash(ref.source):
            status = "outdated"
        else:
            status = "ok"
        rows.append(TextRow(message_id, ref.source, own.source if own else None, status))
    return rows


def coverage_rows(files: ContentFiles) -> list[dict[str, int | str]]:
    rows: list[dict[str, int | str]] = []
    for language in languages(files):
        statuses = [row.status for row in text_rows(files, language)]
        rows.append(
            {
                "language": language,
                "messages": len(statuses),
                "missing": statuses.count("missing"),
                "outdated": statuses.count("outdated"),
            }
        )
    return rows


def flow_files(files: ContentFiles) -> list[str]:
    return sorted(name.removeprefix(FLOWS) for name in files if name.startswith(FLOWS))


def _json(data: Mapping[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

"""Message catalogues (Fluent) and the choice of language."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from fluent.runtime import FluentBundle
from fluent.syntax import FluentParser, ast, visitor

from bot.core.messages import Direction
from bot.errors import ContentError, Problem

log = logging.getLogger(__name__)

REFERENCE_LANGUAGE = "sv"
# When a message is missing in the chosen language (check reports it), say it in these.
FALLBACK_LANGUAGES = ("sv", "en")
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "ckb"})
# Each catalogue names its own language in that language, for the language menu.
LANGUAGE_NAME_ID = "language-name"


@dataclass(frozen=True, slots=True)
class CatalogueFile:
    name: str
    text: str


class _VariableCollector(visitor.Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ast.VariableReference) -> None:
        self.names.add(node.id.name)
        self.generic_visit(node)


@dataclass(frozen=True)
class Catalogue:
    """One language's messages: the bundle that formats them, and what each needs."""

    language: str
    bundle: FluentBundle
    variables: Mapping[str, frozenset[str]]  # message id -> variable names it uses
    files: Mapping[str, str]  # message id -> file that defines it

    @property
    def message_ids(self) -> frozenset[str]:
        return frozenset(self.variables)


def parse_catalogue(language: str, files: Iterable[CatalogueFile]) -> tuple[Catalogue, list[Problem]]:
    """Parse a language's .ftl files, collecting syntax problems with their lines."""
    # Unicode isolation marks keep numbers whole inside right-to-left text; elsewhere they
    # only get in the way of copying and tapping a phone number.
    bundle = FluentBundle([language], use_isolating=language in RIGHT_TO_LEFT)
    variables: dict[str, frozenset[str]] = {}
    defined_in: dict[str, str] = {}
    problems: list[Problem] = []
    parser = FluentParser(with_spans=True)
    for file in files:
        resource = parser.parse(file.text)
        for entry in resource.body:
            if isinstance(entry, ast.Junk):
                line = _line_of(file.text, entry.span.start if entry.span else 0)
                reason = "; ".join(a.message or a.code for a in entry.annotations) or "cannot be read"
                problems.append(Problem(file.name, f"line {line}", f"Fluent syntax error: {reason}"))
            elif isinstance(entry, ast.Message):
                name = entry.id.name
                line = _line_of(file.text, entry.span.start if entry.span else 0)
                if name in defined_in:
                    problems.append(
                        Problem(
                            file.name,
                            f"line {line}",
                            f"message {name!r} is defined twice (also in {defined_in[name]})",
                        )
                    )
                    continue
                if entry.value is None:
                    problems.append(Problem(file.name, f"line {line}", f"message {name!r} has no text"))
                    continue
                collector = _VariableCollector()
                collector.visit(entry)
                variables[name] = frozenset(collector.names)
                defined_in[name] = file.name
        bundle.add_resource(resource)
    return Catalogue(language, bundle, variables, defined_in), problems


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class Translator:
    """Formats messages in any shipped language and picks a language from a hint."""

    def __init__(self, catalogues: Mapping[str, Catalogue]) -> None:
        if REFERENCE_LANGUAGE not in catalogues:
            raise ContentError(
                [Problem(f"locales/{REFERENCE_LANGUAGE}", "", "the reference catalogue is missing")]
            )
        self._catalogues = dict(catalogues)
        others = sorted(lang for lang in catalogues if lang != REFERENCE_LANGUAGE)
        self.languages: tuple[str, ...] = (REFERENCE_LANGUAGE, *others)
        self._format_cached = lru_cache(maxsize=8192)(self._format)

    def catalogue(self, language: str) -> Catalogue:
        return self._catalogues[language]

    def direction(self, language: str) -> Direction:
        return "rtl" if language in RIGHT_TO_LEFT else "ltr"

    def negotiate(self, hint: str | None) -> str:
        """The first shipped language in a hint such as Telegram's `language_code`
        ("pt-br") or an `Accept-Language` header ("ar-SA,ar;q=0.9,en;q=0.5")."""
        for tag in _ranked_tags(hint or ""):
            base = tag.split("-")[0]
            if base in self._catalogues:
                return base
        return REFERENCE_LANGUAGE

    def format(self, language: str, message_id: str, args: Mapping[str, str | int] | None = None) -> str:
        """The message in the language; numbers given as int get the language's plural forms."""
        frozen = tuple(sorted(args.items())) if args else ()
        return self._format_cached(language, message_id, frozen)

    def _format(self, language: str, message_id: str, args: tuple[tuple[str, str | int], ...]) -> str:
        for lang in (language, *FALLBACK_LANGUAGES):
            catalogue = self._catalogues.get(lang)
            if catalogue is None or not catalogue.bundle.has_message(message_id):
                continue
            message = catalogue.bundle.get_message(message_id)
            assert message.value is not None  # parse_catalogue drops messages without text
            text, errors = catalogue.bundle.format_pattern(message.value, dict(args))
            if errors:
                # Names only: message ids and error kinds never carry user text.
                log.error("formatting %s/%s: %s", lang, message_id, [type(e).__name__ for e in errors])
            return str(text)
        log.error("message %s is missing in every catalogue", message_id)
        return message_id


def _ranked_tags(hint: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(hint.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        tag = tag.strip().lower().replace("_", "-")
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]

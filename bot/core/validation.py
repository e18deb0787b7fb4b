"""Checks of a whole content set: flow graphs against each other and the catalogues."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.casework import CASEWORK_MESSAGES
from bot.core.engine import ENGINE_MESSAGES, ENTRY_FLOW
from bot.core.flow import Flow
from bot.core.handoff import HANDOFF_MESSAGES
from bot.core.translator import LANGUAGE_NAME_ID, REFERENCE_LANGUAGE, Catalogue
from bot.errors import Problem


@dataclass(frozen=True, slots=True)
class Coverage:
    language: str
    messages: int
    missing: int

    @property
    def percent(self) -> float:
        total = self.messages + self.missing
        return 100.0 if total == 0 else 100.0 * self.messages / total


def check_flows(flows: Sequence[Flow]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for flow in flows:
        if flow.id in seen:
            problems.append(Problem(flow.file, "id", f"flow id {flow.id!r} is also used by {seen[flow.id]}"))
        seen[flow.id] = flow.file
        problems += _check_graph(flow)
    if flows and ENTRY_FLOW not in seen:
        problems.append(Problem("flows", "", f"no flow has the id {ENTRY_FLOW!r}, where conversations start"))
    if not flows:
        problems.append(Problem("flows", "", "there are no flows"))
    return problems


def _check_graph(flow: Flow) -> list[Problem]:
    problems: list[Problem] = []

    def target(path: str, name: str | None) -> None:
        if name is not None and name not in flow.states:
            problems.append(Problem(flow.file, path, f"leads to the unknown state {name!r}"))

    target("start", flow.start)
    for action in flow.global_actions.values():
        target(f"global_actions.{action.name}.goto", action.goto)
    for state in flow.states.values():
        for i, option in enumerate(state.options):
            target(f"states.{state.name}.options[{i}].goto", option.goto)
        if not state.is_terminal and not state.options:
            problems.append(
                Problem(flow.file, f"states.{state.name}", "is a dead end: no options and no handoff")
            )

    reachable = {flow.start} | {a.goto for a in flow.global_actions.values() if a.goto}
    queue = deque(reachable)
    while queue:
        current = flow.states.get(queue.popleft())
        for option in current.options if current else ():
            if option.goto not in reachable:
                reachable.add(option.goto)
                queue.append(option.goto)
    for name in flow.states:
        if name not in reachable:
            problems.append(
                Problem(
                    flow.file, f"states.{name}", "is unreachable from the start state and the global actions"
                )
            )
    return problems


def check_catalogues(flows: Sequence[Flow], catalogues: Mapping[str, Catalogue]) -> list[Problem]:
    """Messages the flows use must exist in the reference language with the variables
    the flows give them; every other language must match the reference."""
    reference = catalogues.get(REFERENCE_LANGUAGE)
    if reference is None:
        return [Problem(f"locales/{REFERENCE_LANGUAGE}", "", "the reference catalogue (Swedish) is missing")]
    problems: list[Problem] = []
    ref_file = f"locales/{REFERENCE_LANGUAGE}"
    for flow in flows:
        for path, ref in flow.message_refs():
            needed = reference.variables.get(ref.id)
            if needed is None:
                problems.append(Problem(flow.file, path, f"message {ref.id!r} is missing in {ref_file}"))
                continue
            given = set(flow.variables) | set(ref.vars) | ({ref.if_set} if ref.if_set else set())
            unknown = needed - given
            if unknown:
                problems.append(
                    Problem(
                        flow.file,
                        path,
                        f"message {ref.id!r} needs variables the flow does not give: {', '.join(sorted(unknown))}",
                    )
                )
    for message_id in (*ENGINE_MESSAGES, *HANDOFF_MESSAGES, *CASEWORK_MESSAGES, LANGUAGE_NAME_ID):
        if message_id not in reference.variables:
            problems.append(
                Problem(ref_file, "", f"message {message_id!r}, which the engine says, is missing")
            )

    for language, catalogue in catalogues.items():
        if language == REFERENCE_LANGUAGE:
            continue
        folder = f"locales/{language}"
        for message_id in sorted(reference.message_ids - catalogue.message_ids):
            problems.append(
                Problem(folder, message_id, f"missing (defined in {reference.files[message_id]})")
            )
        for message_id in sorted(catalogue.message_ids - reference.message_ids):
            problems.append(
                Problem(
                    catalogue.files[message_id],
                    message_id,
                    "is not in the reference catalogue (sv): remove or rename it",
                )
            )
        for message_id in sorted(catalogue.message_ids & reference.message_ids):
            mine, theirs = catalogue.variables[message_id], reference.variables[message_id]
            if mine != theirs:
                problems.append(
                    Problem(
                        catalogue.files[message_id],
                        message_id,
                        f"uses variables {_names(mine)} but sv uses {_names(theirs)}",
                    )
                )
    return problems


def check_keywords(flows: Sequence[Flow], languages: Iterable[str]) -> list[Problem]:
    """Global actions have no button (except danger), so typing them must work in every
    shipped language; danger words must, whatever the buttons."""
    problems: list[Problem] = []
    for flow in flows:
        for action in flow.global_actions.values():
            missing = [lang for lang in languages if not action.keywords.get(lang)]
            if missing:
                problems.append(
                    Problem(
                        flow.file,
                        f"global_actions.{action.name}.keywords",
                        f"no keywords for {', '.join(missing)}: people writing in it cannot type this action",
                    )
                )
    return problems


def coverage(catalogues: Mapping[str, Catalogue]) -> list[Coverage]:
    reference = catalogues.get(REFERENCE_LANGUAGE)
    if reference is None:
        return []
    ordered = sorted(catalogues, key=lambda lang: (lang != REFERENCE_LANGUAGE, lang))
    return [
        Coverage(
            lang,
            len(catalogues[lang].message_ids & reference.message_ids),
            len(reference.message_ids - catalogues[lang].message_ids),
        )
        for lang in ordered
    ]


def _names(names: frozenset[str]) -> str:
    return "{" + ", ".join(f"${n}" for n in sorted(names)) + "}" if names else "none"

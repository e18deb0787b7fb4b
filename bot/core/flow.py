"""The flow model and its parsing from YAML data, with every schema problem located.

A flow is a set of named states. A state says one or more messages (Fluent ids) and
offers options that lead to other states; free text is matched against per-language
keywords. Global actions exist in every state. See docs/flows.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.errors import Problem

NAME = re.compile(r"^[a-z][a-z0-9_]*\Z")
MESSAGE_ID = re.compile(r"^[a-zA-Z][a-zA-Z0-9_-]*\Z")
LANGUAGE = re.compile(r"^[a-z]{2,3}\Z")
# Who the writer said they are ("exposed", "uses-violence"): a name in the statistics.
ROLE = re.compile(r"[a-z0-9_-]{1,32}")
MAX_OPTION_ID_BYTES = 64  # an option's id is the data of a Telegram button

# Global actions every flow defines. "language" and "forget" are done by the engine;
# the others lead to a state of the flow.
GOTO_ACTIONS = ("danger", "person", "restart", "help")
BUILTIN_ACTIONS = ("language", "forget")
GLOBAL_ACTIONS = GOTO_ACTIONS + BUILTIN_ACTIONS

Keywords = Mapping[str, tuple[str, ...]]


# Letters people type interchangeably: Arabic alef and yeh forms, Arabic and Persian
# keyboards' yeh and kaf, taa marbuta, the tatweel stretch, the Ukrainian apostrophe
# (a letter to Unicode, punctuation to the typist); and Arabic-Indic digits.
_SAME_LETTER = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ی", "ي": "ی", "ك": "ک", "ة": "ه", "ـ": None, "ʼ": "'"}
    | {chr(0x0660 + d): str(d) for d in range(10)}
    | {chr(0x06F0 + d): str(d) for d in range(10)}
)


def normalize_text(text: str) -> str:
    """Fold case, width, accents, letter variants and punctuation, so that typed words
    compare equal to keywords however they were typed ("Täby", "taby", "TÄBY!")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Drop accents and Arabic vowel marks rather than splitting the word at them.
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_SAME_LETTER)
    kept = "".join(ch if ch.isalnum() else " " for ch in unicodedata.normalize("NFKC", bare))
    return " ".join(kept.split())


@dataclass(frozen=True, slots=True)
class MessageRef:
    id: str
    vars: Mapping[str, str]
    # Say this message only when the local number `if_set` is set for the conversation's
    # municipality (the number is then the variable of that name); else say `otherwise`.
    if_set: str | None = None
    otherwise: str | None = None


@dataclass(frozen=True, slots=True)
class FlowOption:
    id: str
    label: str
    goto: str
    keywords: Keywords
    municipality: str | None = None  # choosing the option records where the person lives


@dataclass(frozen=True, slots=True)
class GlobalAction:
    name: str
    label: str
    goto: str | None
    button: bool
    keywords: Keywords


@dataclass(frozen=True, slots=True)
class State:
    name: str
    say: tuple[MessageRef, ...]
    options: tuple[FlowOption, ...]
    handoff: str | None
    danger: bool
    # Typed in any state (in the conversation's language), these lead here: topics
    # like "skyddat boende" need not be repeated on every option that leads to them.
    keywords: Keywords = field(default_factory=dict)
    # Entering this state means the writer said who they are: counted, never stored.
    role: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.handoff is not None


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    version: str
    file: str
    start: str
    variables: Mapping[str, str]
    global_actions: Mapping[str, GlobalAction]
    states: Mapping[str, State]
    local_numbers: tuple[str, ...] = ()

    @property
    def municipalities(self) -> frozenset[str]:
        return frozenset(o.municipality for s in self.states.values() for o in s.options if o.municipality)

    def message_refs(self) -> list[tuple[str, MessageRef]]:
        """Every message the flow uses, with where: for the catalogue checks."""
        refs: list[tuple[str, MessageRef]] = []
        for action in self.global_actions.values():
            refs.append((f"global_actions.{action.name}.label", MessageRef(action.label, {})))
        for state in self.states.values():
            for i, say in enumerate(state.say):
                refs.append((f"states.{state.name}.say[{i}]", say))
                if say.otherwise is not None:
                    refs.append(
                        (f"states.{state.name}.say[{i}].otherwise", MessageRef(say.otherwise, say.vars))
                    )
            for i, option in enumerate(state.options):
                refs.append((f"states.{state.name}.options[{i}].label", MessageRef(option.label, {})))
        return refs


class _Reader:
    """Reads untrusted YAML data, recording each problem with its path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return value
        self.problem(path, f"must be a mapping of names to values, got {_kind(value)}")
        return {}

    def known_fields(self, data: dict[str, Any], path: str, allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(
                f"{path}.{key}" if path else key, f"unknown field (allowed: {', '.join(sorted(allowed))})"
            )

    def string(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        pattern: re.Pattern[str] | None = None,
        required: bool = True,
    ) -> str | None:
        where = f"{path}.{key}" if path else key
        if key not in data:
            if required:
                self.problem(where, "is required")
            return None
        value = data[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"must be a non-empty text, got {_kind(value)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.problem(where, f"{value!r} is not a valid name (expected {pattern.pattern})")
            return None
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(f"{path}.{key}", f"must be true or false, got {_kind(value)}")
            return False
        return value

    def keywords(self, value: Any, path: str) -> Keywords:
        result: dict[str, tuple[str, ...]] = {}
        for lang, words in self.mapping(value, path).items():
            if not LANGUAGE.match(lang):
                self.problem(f"{path}.{lang}", "is not a language code (like sv, en, ar)")
                continue
            if not isinstance(words, list) or not all(
                isinstance(w, str) and normalize_text(w) for w in words
            ):
                self.problem(f"{path}.{lang}", "must be a list of words or phrases")
                continue
            result[lang] = tuple(normalize_text(w) for w in words)
        return result

    def message_ref(self, value: Any, path: str) -> MessageRef | None:
        if isinstance(value, str):
            value = {"id": value}
        data = self.mapping(value, path)
        if not data:
            return None
        self.known_fields(data, path, {"id", "vars", "if_set", "otherwise"})
        message_id = self.string(data, "id", path, MESSAGE_ID)
        variables = self.variables(data.get("vars", {}), f"{path}.vars")
        if_set = self.string(data, "if_set", path, NAME, required=False)
        otherwise = self.string(data, "otherwise", path, MESSAGE_ID, required=False)
        if otherwise is not None and if_set is None:
            self.problem(f"{path}.otherwise", "only makes sense with if_set")
        return None if message_id is None else MessageRef(message_id, variables, if_set, otherwise)

    def names(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and NAME.match(v) for v in value):
            self.problem(path, f"must be a list of names (expected {NAME.pattern})")
            return []
        return list(dict.fromkeys(value))

    def variables(self, value: Any, path: str) -> dict[str, str]:
        result: dict[str, str] = {}
        for name, text in self.mapping(value, path).items():
            if isinstance(text, (str, int)) and not isinstance(text, bool):
                result[name] = str(text)
            else:
                self.problem(f"{path}.{name}", f"must be a text, got {_kind(text)}")
        return result


def parse_flow(data: Any, file: str, version: str) -> tuple[Flow | None, list[Problem]]:
    """Turn YAML data into a Flow; return the problems found instead when invalid."""
    r = _Reader(file)
    root = r.mapping(data, "")
    if not root:
        return None, r.problems or [Problem(file, "", "the flow is empty")]
    r.known_fields(root, "", {"id", "start", "variables", "local_numbers", "global_actions", "states"})
    flow_id = r.string(root, "id", "", NAME)
    start = r.string(root, "start", "", NAME)
    variables = r.variables(root.get("variables", {}), "variables")
    local_numbers = r.names(root.get("local_numbers", []), "local_numbers")
    for name in sorted(set(local_numbers) & set(variables)):
        r.problem(f"local_numbers.{name}", "is also a variable: a name means one thing")

    actions: dict[str, GlobalAction] = {}
    raw_actions = r.mapping(root.get("global_actions"), "global_actions")
    for name in GLOBAL_ACTIONS:
        if name not in raw_actions:
            r.problem("global_actions", f"the global action {name!r} is missing")
    for name, raw in raw_actions.items():
        path = f"global_actions.{name}"
        if name not in GLOBAL_ACTIONS:
            r.problem(path, f"unknown global action (known: {', '.join(GLOBAL_ACTIONS)})")
            continue
        item = r.mapping(raw, path)
        r.known_fields(item, path, {"label", "goto", "button", "keywords"})
        label = r.string(item, "label", path, MESSAGE_ID)
        goto = r.string(item, "goto", path, NAME, required=name in GOTO_ACTIONS)
        if name in BUILTIN_ACTIONS and "goto" in item:
            r.problem(f"{path}.goto", f"{name!r} is done by the engine and takes no goto")
            goto = None
        button = r.boolean(item, "button", path)
        if name == "danger" and not button:
            r.problem(f"{path}.button", "the danger action must be a button in every state (SAFETY rule 6)")
        words = r.keywords(item.get("keywords", {}), f"{path}.keywords")
        if label is not None:
            actions[name] = GlobalAction(name, label, goto, button, words)

    states: dict[str, State] = {}
    raw_states = r.mapping(root.get("states"), "states")
    if not raw_states:
        r.problem("states", "the flow has no states")
    for name, raw in raw_states.items():
        path = f"states.{name}"
        if not NAME.match(name):
            r.problem(path, f"{name!r} is not a valid state name (expected {NAME.pattern})")
            continue
        item = r.mapping(raw, path)
        r.known_fields(item, path, {"say", "options", "handoff", "danger", "keywords", "role"})
        raw_say = item.get("say")
        if isinstance(raw_say, (str, dict)):
            raw_say = [raw_say]
        if not isinstance(raw_say, list) or not raw_say:
            r.problem(f"{path}.say", "must list at least one message id")
            raw_say = []
        say = [r.message_ref(v, f"{path}.say[{i}]") for i, v in enumerate(raw_say)]
        for i, ref in enumerate(say):
            if ref is not None and ref.if_set is not None and ref.if_set not in local_numbers:
                r.problem(f"{path}.say[{i}].if_set", f"{ref.if_set!r} is not one of the flow's local_numbers")
        if say and all(ref is not None and ref.if_set and not ref.otherwise for ref in say):
            r.problem(f"{path}.say", "says nothing when no local number is set: add a message without if_set")
        options: list[FlowOption] = []
        raw_options = item.get("options", [])
        if not isinstance(raw_options, list):
            r.problem(f"{path}.options", f"must be a list of options, got {_kind(raw_options)}")
            raw_options = []
        for i, raw_option in enumerate(raw_options):
            opath = f"{path}.options[{i}]"
            option = r.mapping(raw_option, opath)
            r.known_fields(option, opath, {"id", "label", "goto", "keywords", "municipality"})
            label = r.string(option, "label", opath, MESSAGE_ID)
            goto = r.string(option, "goto", opath, NAME)
            option_id = r.string(option, "id", opath, NAME, required=False) or goto
            words = r.keywords(option.get("keywords", {}), f"{opath}.keywords")
            municipality = r.string(option, "municipality", opath, NAME, required=False)
            if option_id and len(option_id.encode()) > MAX_OPTION_ID_BYTES:
                r.problem(
                    opath,
                    f"option id is longer than {MAX_OPTION_ID_BYTES} bytes (Telegram's limit for a button)",
                )
            elif option_id in {o.id for o in options}:
                r.problem(opath, f"option id {option_id!r} is used twice in this state")
            elif label and goto and option_id:
                options.append(FlowOption(option_id, label, goto, words, municipality))
        handoff = r.string(item, "handoff", path, NAME, required=False)
        danger = r.boolean(item, "danger", path)
        topic_words = r.keywords(item.get("keywords", {}), f"{path}.keywords")
        role = r.string(item, "role", path, required=False)
        if role is not None and not ROLE.fullmatch(role):
            r.problem(
                f"{path}.role",
                f"{role!r} is not a role id (lowercase letters, digits, - and _, at most 32 characters)",
            )
            role = None
        states[name] = State(
            name, tuple(s for s in say if s), tuple(options), handoff, danger, topic_words, role
        )

    if r.problems or flow_id is None or start is None:
        return None, r.problems
    return Flow(flow_id, version, file, start, variables, actions, states, tuple(local_numbers)), []


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )

"""The dialogue engine: one `transitions` machine per flow version, shared by every
conversation. A step is pure: conversation and input in, new conversation and replies out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from transitions import Machine

from bot.core.conversation import HANDED_OVER, Conversation, Status, TranscriptEntry
from bot.core.flow import Flow, MessageRef, State, normalize_text
from bot.core.local_numbers import LocalNumbers
from bot.core.messages import (
    GLOBAL_CHOICE_PREFIX,
    LANGUAGE_CHOICE_PREFIX,
    Incoming,
    Option,
    Reply,
)
from bot.core.translator import LANGUAGE_NAME_ID, Translator

ENTRY_FLOW = "main"
MAX_TEXT_LENGTH = 4096  # Telegram's limit; the web chat keeps the same

NOT_UNDERSTOOD = "engine-not-understood"
CHOOSE_LANGUAGE = "engine-choose-language"
FORGOTTEN = "engine-forgotten"
HANDOFF_RECEIVED = "engine-handoff-received"
TOO_LONG = "engine-too-long"
CONTENT_CHANGED = "engine-content-changed"
ENGINE_MESSAGES = (NOT_UNDERSTOOD, CHOOSE_LANGUAGE, FORGOTTEN, HANDOFF_RECEIVED, TOO_LONG, CONTENT_CHANGED)


@dataclass(frozen=True, slots=True)
class Step:
    """What one input did: the conversation after it, what to say, what to record."""

    conversation: Conversation
    replies: tuple[Reply, ...]
    transcript: tuple[TranscriptEntry, ...]
    forget: bool = False
    # The turn asked for a person anew: the case is routed and the person told their place.
    # (A turn that keeps the place, like danger while waiting, leaves this False.)
    hands_over: bool = False


_Said = tuple[tuple[Reply, ...], tuple[TranscriptEntry, ...]]


def bot_entries(replies: Iterable[Reply]) -> tuple[TranscriptEntry, ...]:
    """The bot's part of the transcript: the texts of its replies."""
    return tuple(TranscriptEntry("bot", r.text) for r in replies)


def _said(replies: Sequence[Reply]) -> _Said:
    return tuple(replies), bot_entries(replies)


class _Cursor:
    """The model `transitions` moves: just the state name, made fresh per step."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


OPTION_PREFIX = "choose:"
TOPIC_PREFIX = "topic:"


def option_trigger(option_id: str) -> str:
    return f"{OPTION_PREFIX}{option_id}"


def topic_trigger(state: str) -> str:
    return f"{TOPIC_PREFIX}{state}"


def global_trigger(action: str) -> str:
    return f"{GLOBAL_CHOICE_PREFIX}{action}"


def machine_spec(flow: Flow) -> tuple[list[str], list[dict[str, Any]]]:
    """The states and transitions of a flow in the form `transitions.Machine` takes."""
    transitions: list[dict[str, Any]] = [
        {"trigger": option_trigger(o.id), "source": s.name, "dest": o.goto}
        for s in flow.states.values()
        for o in s.options
    ]
    transitions += [
        {"trigger": global_trigger(a.name), "source": "*", "dest": a.goto}
        for a in flow.global_actions.values()
        if a.goto
    ]
    transitions += [
        {"trigger": topic_trigger(s.name), "source": "*", "dest": s.name}
        for s in flow.states.values()
        if s.keywords
    ]
    return list(flow.states), transitions


def _longest_match(text: str, phrases: Iterable[tuple[str, str]]) -> str | None:
    """The target of the longest phrase that occurs in `text` as whole words."""
    padded = f" {text} "
    best: tuple[int, str] | None = None
    for phrase, target in phrases:
        if f" {phrase} " in padded and (best is None or len(phrase) > best[0]):
            best = (len(phrase), target)
    return None if best is None else best[1]


class CompiledFlow:
    """A validated flow with its state machine and keyword indexes, built once."""

    def __init__(self, flow: Flow, translator: Translator, local_numbers: LocalNumbers) -> None:
        self.flow = flow
        self._translator = translator
        self._local_numbers = local_numbers
        states, transitions = machine_spec(flow)
        self._machine = Machine(
            model=None,
            states=states,
            transitions=transitions,
            initial=flow.start,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        actions = flow.global_actions
        # Danger words are matched in every language: a person may write in any of them.
        # Other keywords only in the conversation's language, where they were chosen not
        # to clash with everyday words: Swedish "ja" (yes) is Polish "ja" (I).
        self._danger_words = [(w, "danger") for words in actions["danger"].keywords.values() for w in words]
        # Commands and topics share one pool, so the longest wins: "hjälp med skyddat
        # boende" is the topic, "prata med en person om boende" the command.
        self._command_words = {
            lang: [(w, global_trigger(a.name)) for a in actions.values() for w in a.keywords.get(lang, ())]
            + [(w, topic_trigger(s.name)) for s in flow.states.values() for w in s.keywords.get(lang, ())]
            for lang in translator.languages
        }
        self._municipality_of = {
            (s.name, o.id): o.municipality for s in flow.states.values() for o in s.options if o.municipality
        }
        self._option_words = {
            (s.name, lang): [(w, o.id) for o in s.options for w in o.keywords.get(lang, ())]
            for s in flow.states.values()
            for lang in translator.languages
        }
        self._language_words = [
            (normalize_text(translator.format(lang, LANGUAGE_NAME_ID)), lang) for lang in translator.languages
        ]
        # The machine has no conditions or callbacks: where a trigger leads from a state
        # never changes for this flow version, so the machine is asked once per pair.
        self._destinations: dict[tuple[str, str], str] = {}
        self._plain_text = lru_cache(maxsize=None)(self._render_plain_text)
        self._say_state = lru_cache(maxsize=None)(self._render_state)
        self._say_with_choices = lru_cache(maxsize=None)(self._render_with_choices)
        self._language_menu = lru_cache(maxsize=None)(self._render_language_menu)
        self._option_phrases = lru_cache(maxsize=None)(self._typed_option_phrases)

    # What the bot says depends only on the flow version, the state, the language and the
    # municipality (which local numbers apply), so each bubble is made once and then shared.

    @property
    def languages(self) -> tuple[str, ...]:
        return self._translator.languages

    def text(self, language: str, message_id: str, extra: Mapping[str, str | int] | None = None) -> str:
        if not extra:
            return self._plain_text(language, message_id)
        return self._translator.format(language, message_id, {**self.flow.variables, **extra})

    def _render_plain_text(self, language: str, message_id: str) -> str:
        """A message with only the flow's variables: the same for this flow version (this
        object is made anew, with empty caches, for every publish)."""
        return self._translator.format(language, message_id, self.flow.variables)

    def say_state(self, state: str, language: str, municipality: str | None) -> _Said:
        return self._say_state(state, language, municipality)

    def place(self, conversation: Conversation) -> str:
        """The conversation's state, or where it goes when a publish removed that state.
        A person waiting for or talking with a caseworker stays in the queue (status and
        team are what route the case): any handoff state gives them its choices. Anyone
        else starts again."""
        flow = self.flow
        if conversation.flow == flow.id and conversation.state in flow.states:
            return conversation.state
        if conversation.status in HANDED_OVER:
            return next((s.name for s in flow.states.values() if s.is_terminal), flow.start)
        return flow.start

    def municipality_chosen(self, state: str, option_id: str) -> str | None:
        return self._municipality_of.get((state, option_id))

    def say_with_choices(self, state: str, language: str, message_id: str) -> _Said:
        return self._say_with_choices(state, language, message_id)

    def language_menu(self, language: str) -> _Said:
        return self._language_menu(language)

    def say_message(
        self, state: str, language: str, message_id: str, variables: Mapping[str, str | int]
    ) -> tuple[Reply, ...]:
        """One bubble with the state's options, for what the dialogue adds to a turn."""
        options = self._options(self.flow.states[state], language)
        return (self._reply(language, self.text(language, message_id, variables), options),)

    def bubble(self, language: str, text: str, options: tuple[Option, ...]) -> Reply:
        """A bubble of someone else's text (a caseworker's), with the always-there actions."""
        return self._reply(language, text, options)

    def say(self, language: str, message_id: str) -> tuple[Reply, ...]:
        return (self._reply(language, self.text(language, message_id)),)

    def _render_state(self, state_name: str, language: str, municipality: str | None) -> _Said:
        state = self.flow.states[state_name]
        numbers = self._local_numbers.for_municipality(municipality)
        texts = [text for ref in state.say if (text := self._render_ref(ref, language, numbers)) is not None]
        replies = [self._reply(language, text) for text in texts[:-1]]
        replies.append(self._reply(language, texts[-1], self._options(state, language)))
        return _said(replies)

    def _render_ref(self, ref: MessageRef, language: str, numbers: Mapping[str, str]) -> str | None:
        if ref.if_set is None:
            return self.text(language, ref.id, ref.vars)
        if number := numbers.get(ref.if_set):
            return self.text(language, ref.id, {**ref.vars, ref.if_set: number})
        return None if ref.otherwise is None else self.text(language, ref.otherwise, ref.vars)

    def _render_with_choices(self, state: str, language: str, message_id: str) -> _Said:
        return _said(self.say_message(state, language, message_id, {}))

    def _render_language_menu(self, language: str) -> _Said:
        options = tuple(
            Option(f"{LANGUAGE_CHOICE_PREFIX}{lang}", self.text(lang, LANGUAGE_NAME_ID))
            for lang in self.languages
        )
        return _said([self._reply(language, self.text(language, CHOOSE_LANGUAGE), options)])

    def _options(self, state: State, language: str) -> tuple[Option, ...]:
        return tuple(Option(o.id, self.text(language, o.label)) for o in state.options)

    def _reply(self, language: str, text: str, options: tuple[Option, ...] = ()) -> Reply:
        actions = tuple(
            Option(global_trigger(a.name), self.text(language, a.label))
            for a in self.flow.global_actions.values()
            if a.button
        )
        return Reply(text, language, self._translator.direction(language), options, actions)

    def can_trigger(self, state: str, trigger: str) -> bool:
        event = self._machine.events.get(trigger)
        return event is not None and state in event.transitions

    def trigger(self, state: str, trigger: str) -> str:
        destination = self._destinations.get((state, trigger))
        if destination is None:
            cursor = _Cursor(state)
            self._machine.events[trigger].trigger(cursor)  # MachineError when it cannot
            destination = self._destinations[state, trigger] = cursor.state
        return destination

    def says_danger(self, text: str) -> bool:
        return _longest_match(normalize_text(text), self._danger_words) is not None

    def match_text(self, state: str, language: str, text: str, danger_only: bool = False) -> str | None:
        """The trigger free text stands for in a state, if any."""
        normalized = normalize_text(text)
        if not normalized:
            return None
        if (action := _longest_match(normalized, self._danger_words)) is not None:
            return global_trigger(action)
        if danger_only:
            return None
        if (option := _longest_match(normalized, self._option_phrases(state, language))) is not None:
            return option_trigger(option)
        if (command := _longest_match(normalized, self._command_words.get(language, ()))) is not None:
            return command
        if (lang := _longest_match(normalized, self._language_words)) is not None:
            return f"{LANGUAGE_CHOICE_PREFIX}{lang}"
        return None

    def _typed_option_phrases(self, state: str, language: str) -> list[tuple[str, str]]:
        """Keywords and labels of a state's options: a typed label counts as choosing it,
        and beats a shorter keyword inside it ("Prata med ATV" is not "atv")."""
        labels = [
            (normalize_text(self.text(language, o.label)), o.id) for o in self.flow.states[state].options
        ]
        return [*self._option_words.get((state, language), ()), *labels]


class Engine:
    """Steps conversations through the published flows."""

    def __init__(
        self, flows: Sequence[Flow], translator: Translator, local_numbers: LocalNumbers | None = None
    ) -> None:
        self.translator = translator
        numbers = local_numbers or LocalNumbers()
        self._flows = {flow.id: CompiledFlow(flow, translator, numbers) for flow in flows}
        self.entry = self._flows[ENTRY_FLOW]
        self.generation = 0  # grows with every switch of content, for what is made from it

    @property
    def flows(self) -> list[Flow]:
        return [compiled.flow for compiled in self._flows.values()]

    def asks_for_danger(self, incoming: Incoming) -> bool:
        """The danger button or danger words, whatever the state: always answered."""
        if incoming.choice is not None:
            return incoming.choice == global_trigger("danger")
        return incoming.text is not None and self.entry.says_danger(incoming.text)

    def new_conversation(self, key: str, language_hint: str | None) -> Conversation:
        flow = self.entry.flow
        return Conversation(key, flow.id, flow.version, flow.start, self.translator.negotiate(language_hint))

    def step(self, conversation: Conversation, incoming: Incoming) -> Step:
        compiled = self._flows.get(conversation.flow, self.entry)
        flow = compiled.flow
        place = compiled.place(conversation)
        moved = place != conversation.state or conversation.flow != flow.id
        if moved:
            conversation = replace(conversation, flow=flow.id, flow_version=flow.version, state=place)
        elif conversation.flow_version != flow.version:
            conversation = replace(conversation, flow_version=flow.version)
        return _Turn(compiled, conversation, moved=moved and conversation.status not in HANDED_OVER).run(
            incoming
        )

    def take_content(self, other: Engine) -> None:
        """Switch to another engine's flows and texts (a publish), all at once: a turn
        that is stepping keeps the flow it started with, the next one gets these."""
        self.translator, self._flows, self.entry = other.translator, other._flows, other.entry
        self.generation += 1


class _Turn:
    def __init__(self, compiled: CompiledFlow, conversation: Conversation, moved: bool = False) -> None:
        self.compiled = compiled
        self.flow = compiled.flow
        self.conversation = conversation
        self.is_new = conversation.revision == 0
        # A publish removed the state this person was in: what they answer was asked by
        # a question that no longer exists, so only the always-there actions act on it.
        self.moved = moved
        self.notice: tuple[Reply, ...] = ()  # said before the rest of the turn
        self.heard: list[TranscriptEntry] = []
        self.hands_over = False

    def run(self, incoming: Incoming) -> Step:
        conversation = self.conversation
        state, language = conversation.state, conversation.language
        if incoming.text is not None and len(incoming.text) > MAX_TEXT_LENGTH:
            if self.compiled.says_danger(incoming.text):  # however long, danger is answered
                return self._enter(self.compiled.trigger(state, global_trigger("danger")), language)
            if self.is_new:
                return self._enter(state, language)  # the safety check first, as always
            return self._step(self.compiled.say_with_choices(state, language, TOO_LONG))
        waiting = conversation.status in HANDED_OVER
        trigger: str | None = None
        if incoming.choice is not None:
            trigger = self._trigger_for_choice(incoming.choice)
        elif incoming.text is not None and incoming.text.strip():
            self.heard.append(TranscriptEntry("user", incoming.text))
            # While waiting for a person, text is for that person: only danger words act.
            trigger = self.compiled.match_text(state, language, incoming.text, danger_only=waiting)
        if self.is_new and trigger not in (global_trigger("danger"), global_trigger("forget")):
            # A first conversation always begins with the safety check, unless in danger
            # (or asking to be forgotten: then nothing is stored at all).
            trigger = None
        if self.moved and (trigger is None or trigger.startswith(OPTION_PREFIX)):
            self.notice = self.compiled.say(language, CONTENT_CHANGED)
            return self._enter(state, language)

        if trigger is None:
            if self.is_new:
                return self._enter(state, language)
            if conversation.status == "talking" and self.heard:
                return self._step(((), ()))  # for the caseworker, who answers in person
            if waiting and self.heard:
                return self._step(self.compiled.say_with_choices(state, language, HANDOFF_RECEIVED))
            return self._step(self.compiled.say_with_choices(state, language, NOT_UNDERSTOOD))
        if trigger == global_trigger("forget"):
            return Step(conversation, self.compiled.say(language, FORGOTTEN), (), forget=True)
        if trigger == global_trigger("language"):
            return self._step(self.compiled.language_menu(language))
        if trigger.startswith(LANGUAGE_CHOICE_PREFIX):
            return self._enter(state, trigger.removeprefix(LANGUAGE_CHOICE_PREFIX))
        if trigger.startswith(OPTION_PREFIX) and (
            municipality := self.compiled.municipality_chosen(state, trigger.removeprefix(OPTION_PREFIX))
        ):
            self.conversation = replace(conversation, municipality=municipality)
        return self._enter(self.compiled.trigger(state, trigger), language)

    def _trigger_for_choice(self, choice: str) -> str | None:
        state, language = self.conversation.state, self.conversation.language
        if choice.startswith(LANGUAGE_CHOICE_PREFIX):
            lang = choice.removeprefix(LANGUAGE_CHOICE_PREFIX)
            if lang not in self.compiled.languages:
                return None
            self.heard.append(TranscriptEntry("user", self.compiled.text(lang, LANGUAGE_NAME_ID)))
            return choice
        if choice.startswith(GLOBAL_CHOICE_PREFIX):
            action = self.flow.global_actions.get(choice.removeprefix(GLOBAL_CHOICE_PREFIX))
            if action is None:
                return None
            self.heard.append(TranscriptEntry("user", self.compiled.text(language, action.label)))
            return choice
        trigger = option_trigger(choice)
        if not self.compiled.can_trigger(state, trigger):
            return None
        label = next(o.label for o in self.flow.states[state].options if o.id == choice)
        self.heard.append(TranscriptEntry("user", self.compiled.text(language, label)))
        return trigger

    def _enter(self, state_name: str, language: str) -> Step:
        state = self.flow.states[state_name]
        old = self.conversation
        status: Status = "waiting" if state.is_terminal else "bot"
        team = state.handoff  # the service asked for; the handoff routes it to a team
        # Danger, or the same state in another language: keep the place in the queue, or
        # the caseworker.
        keeps_place = old.status in HANDED_OVER and (state.danger or state_name == old.state)
        if keeps_place:
            status, team = old.status, old.team
        self.hands_over = state.is_terminal and not keeps_place
        self.conversation = replace(
            old,
            state=state_name,
            language=language,
            status=status,
            team=team,
            danger=old.danger or state.danger,
            topic=state_name if state.keywords else old.topic,
        )
        return self._step(self.compiled.say_state(state_name, language, self.conversation.municipality))

    def _step(self, said: _Said) -> Step:
        replies, entries = said
        return Step(
            self.conversation,
            (*self.notice, *replies),
            (*self.heard, *bot_entries(self.notice), *entries),
            hands_over=self.hands_over,
        )

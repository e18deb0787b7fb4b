"""Channel-neutral messages between the channels and the dialogue service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["ltr", "rtl"]

# Choice ids of the actions that exist in every state; state option ids never contain ":".
GLOBAL_CHOICE_PREFIX = "global:"
LANGUAGE_CHOICE_PREFIX = "language:"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One input from a help-seeker: free text or the id of a chosen option."""

    conversation_key: str
    text: str | None = None
    choice: str | None = None
    language_hint: str | None = None
    # Where the turn came from ("web", "telegram", "cli"): only counted in the anonymous
    # statistics, never stored with the conversation.
    channel: str = "other"


@dataclass(frozen=True, slots=True)
class Option:
    """A button: the id a channel sends back as `Incoming.choice`, and its label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One bubble for the help-seeker, in one language.

    `options` are the choices of the current state; `actions` are the global actions
    shown as buttons in every state (always at least "I am in danger now").
    """

    text: str
    language: str
    direction: Direction
    options: tuple[Option, ...] = field(default=())
    actions: tuple[Option, ...] = field(default=())

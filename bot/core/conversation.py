"""The state of one conversation, as the store keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "bot": the flow answers; "waiting": handed over, waiting for a person; "talking": a
# caseworker has taken the case and answers.
Status = Literal["bot", "waiting", "talking"]
HANDED_OVER: frozenset[Status] = frozenset({"waiting", "talking"})
Speaker = Literal["user", "bot", "caseworker"]


@dataclass(frozen=True, slots=True)
class Conversation:
    key: str
    flow: str
    flow_version: str
    state: str
    language: str
    status: Status = "bot"
    team: str | None = None
    danger: bool = False
    municipality: str | None = None  # where the person said they live, if they did
    topic: str | None = None  # the last topic read (a state with keywords), for the caseworker
    # Compare-and-set counter: 0 means not stored yet; each saved turn adds one.
    revision: int = 0


@dataclass(frozen=True, slots=True)
class TranscriptEntry:
    speaker: Speaker
    text: str

"""What the dialogue service needs from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.conversation import Conversation, TranscriptEntry


class ConversationStore(Protocol):
    async def load(self, key: str) -> Conversation | None:
        """The stored conversation, or None when there is none (new, expired or forgotten)."""

    async def load_for_turn(self, key: str) -> tuple[Conversation | None, int]:
        """`load`, and how many turns the conversation has had in the current minute,
        this one counted (0 when there is no conversation)."""

    async def save(self, conversation: Conversation, transcript: Sequence[TranscriptEntry]) -> bool:
        """Store the conversation and append to its transcript in one atomic step, only
        if the stored revision is still `conversation.revision`; False otherwise."""

    async def forget(self, key: str) -> None:
        """Delete everything stored about the conversation."""


class Tally(Protocol):
    async def count(self, *names: str) -> None:
        """Add one to each named count of today, in one round trip (StoreError when it
        cannot). Names are fixed words and ids from the flows and teams ("role:young",
        "handoff:support"): never text a person typed, never a conversation's key."""

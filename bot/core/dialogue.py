"""One turn of a conversation: load, step, save; retried when another turn got there first."""

from __future__ import annotations

import asyncio
import random

from bot.core.engine import Engine
from bot.core.messages import Incoming, Reply
from bot.core.ports import ConversationStore
from bot.errors import ConversationBusy

MAX_ATTEMPTS = 50
# After losing a race, wait a random moment (up to this many seconds per attempt so far)
# so that the same turn does not lose to the same rival again and again.
BACKOFF_STEP = 0.001


class DialogueService:
    def __init__(self, engine: Engine, store: ConversationStore) -> None:
        self.engine = engine
        self.store = store

    async def handle(self, incoming: Incoming) -> tuple[Reply, ...]:
        """Apply one input to its conversation and return what to say.

        Turns of one conversation may run at once in several processes: the save is a
        compare-and-set, and a turn that lost the race is stepped again from the state
        the winner left, so no update is lost.
        """
        key = incoming.conversation_key
        existed = False
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                await asyncio.sleep(random.uniform(0, BACKOFF_STEP * attempt))  # noqa: S311 (not a secret)
            stored = await self.store.load(key)
            if stored is None and existed:
                # Forgotten while this turn ran: never bring the conversation back.
                return ()
            existed = stored is not None
            conversation = stored or self.engine.new_conversation(key, incoming.language_hint)
            step = self.engine.step(conversation, incoming)
            if step.forget:
                await self.store.forget(key)
                return step.replies
            if await self.store.save(step.conversation, step.transcript):
                return step.replies
        raise ConversationBusy(f"conversation changed {MAX_ATTEMPTS} times during one turn")

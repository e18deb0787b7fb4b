"""One turn of a conversation: load, step, save; retried when another turn got there first."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.core.conversation import Conversation
from bot.core.engine import Engine, Step, bot_entries
from bot.core.handoff import Handoffs
from bot.core.messages import Incoming, Reply
from bot.core.ports import ConversationStore, Tally
from bot.errors import ConversationBusy, ConversationNotFound, StoreError, TooManyTurns

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50
# After losing a race, wait a random moment (up to this many seconds per attempt so far)
# so that the same turn does not lose to the same rival again and again.
BACKOFF_STEP = 0.001


@dataclass(frozen=True, slots=True)
class TurnResult:
    replies: tuple[Reply, ...]
    ended: bool = False  # the conversation no longer exists: it was forgotten


class DialogueService:
    def __init__(
        self,
        engine: Engine,
        store: ConversationStore,
        turns_per_minute: int | None = None,
        handoffs: Handoffs | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        tally: Tally | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.turns_per_minute = turns_per_minute
        self.handoffs = handoffs
        self.clock = clock
        self.tally = tally
        self._counts = None if tally is None else CountBatcher(tally)

    async def handle(self, incoming: Incoming) -> tuple[Reply, ...]:
        """Apply one input to its conversation (made if new) and return what to say."""
        return (await self.take_turn(incoming)).replies

    async def take_turn(self, incoming: Incoming, *, may_start: bool = True) -> TurnResult:
        """Apply one input to its conversation.

        With `may_start` false the conversation must exist already (ConversationNotFound
        otherwise): a channel whose ids are handed out by Fristad (the web chat's tokens)
        never lets a client choose its own. Over `turns_per_minute`, TooManyTurns is
        raised and nothing changes.

        Turns of one conversation may run at once in several processes: the save is a
        compare-and-set, and a turn that lost the race is stepped again from the state
        the winner left, so no update is lost.
        """
        key = incoming.conversation_key
        existed = False
        async for attempt in _attempts():
            if attempt:
                stored = await self.store.load(key)
            else:
                stored, turns = await self.store.load_for_turn(key)
                if self.turns_per_minute is not None and turns > self.turns_per_minute:
                    return self._over_the_limit(stored, incoming)
            if stored is None and existed:
                # Forgotten while this turn ran: never bring the conversation (or a case
                # this turn queued) back.
                await self.end(key)
                return TurnResult((), ended=True)
            if stored is None and not may_start:
                raise ConversationNotFound("no such conversation")
            existed = stored is not None
            conversation = stored or self.engine.new_conversation(key, incoming.language_hint)
            step = self.engine.step(conversation, incoming)
            news: tuple[Reply, ...] = ()
            if self.handoffs is not None:
                step, news = await self.handoffs.settle(stored, step, self.clock())
                step = replace(step, transcript=step.transcript + bot_entries(news))
            if step.forget:
                await self.end(key)
                return TurnResult(step.replies, ended=True)
            if await self.store.save(step.conversation, step.transcript):
                if self.handoffs is not None:
                    await self.handoffs.after_save(stored, step.conversation)
                if self._counts is not None:
                    await self._counts.count(self._counted(stored, step, incoming))
                return TurnResult(step.replies + news)
        raise ConversationBusy(f"conversation changed {MAX_ATTEMPTS} times during one turn")

    def _counted(self, stored: Conversation | None, step: Step, incoming: Incoming) -> list[str]:
        """What a saved turn adds to the anonymous statistics: names of fixed words and
        flow ids only, never text or keys."""
        saved = step.conversation
        names = []
        if stored is None:
            names += [f"started:channel:{incoming.channel}", f"started:language:{saved.language}"]
        if stored is None or saved.state != stored.state:
            role = self._role(saved)
            if role is not None:
                names.append(f"role:{role}")
        if saved.topic is not None and saved.topic != (stored.topic if stored is not None else None):
            names.append(f"topic:{saved.topic}")
        if step.hands_over and saved.team is not None:
            # The routed team when there are handoffs (settle sets it), else the service.
            names.append(f"handoff:{saved.team}")
        return names

    def _role(self, conversation: Conversation) -> str | None:
        for flow in self.engine.flows:
            if flow.id == conversation.flow:
                state = flow.states.get(conversation.state)
                return None if state is None else state.role
        return None

    def _over_the_limit(self, stored: Conversation | None, incoming: Incoming) -> TurnResult:
        """Too many turns this minute: refused, except a call for help, which is answered
        but not saved (so a flood of them costs no writes)."""
        if stored is None or not self.engine.asks_for_danger(incoming):
            raise TooManyTurns(f"more than {self.turns_per_minute} turns this minute")
        return TurnResult(self.engine.step(stored, incoming).replies)

    async def update(
        self, key: str, change: Callable[[Conversation], Conversation | None]
    ) -> Conversation | None:
        """Change a stored conversation from outside a turn (a caseworker's action), with
        the same compare-and-set as a turn; None when it no longer exists or `change`
        refuses (returns None)."""
        async for _ in _attempts():
            stored = await self.store.load(key)
            changed = None if stored is None else change(stored)
            if changed is None:
                return None
            if await self.store.save(changed, ()):
                return replace(changed, revision=changed.revision + 1)
        raise ConversationBusy(f"conversation changed {MAX_ATTEMPTS} times during one update")

    async def end(self, conversation_key: str) -> None:
        """End a conversation at once and keep nothing (quick exit, forget me), its
        case too."""
        await self.store.forget(conversation_key)
        if self.handoffs is not None:
            await self.handoffs.withdraw(conversation_key)


async def count_quietly(tally: Tally, names: list[str]) -> None:
    """Count, if there is anything to count; a statistic is never worth a failed turn or
    action, so a store error is logged (its kind only) and dropped."""
    if not names:
        return
    try:
        await tally.count(*names)
    except StoreError as err:
        log.warning("statistics not counted: %s", type(err.__cause__ or err).__name__)


class CountBatcher:
    """Counts of turns that end at about the same moment go to the tally together: one
    round trip for all of them instead of one per turn (a group commit). Each turn still
    waits until its counts are sent, as it would alone, and a store error is logged and
    dropped, as `count_quietly` does."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self._open: _Batch | None = None  # taking names until its task sends them
        self._sending: set[asyncio.Task[None]] = set()  # referenced until done

    async def count(self, names: list[str]) -> None:
        if not names:
            return
        batch = self._open
        if batch is None:
            # The task's first step runs after what is ready to run now: the turns whose
            # saves were answered together add their names before the batch is sent.
            batch = self._open = _Batch()
            task = asyncio.create_task(self._send(batch))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        batch.names += names
        await batch.sent.wait()
        if batch.error is not None:
            raise batch.error

    async def _send(self, batch: _Batch) -> None:
        if self._open is batch:
            self._open = None
        try:
            await count_quietly(self.tally, batch.names)
        except Exception as err:  # not a StoreError: every turn of the batch raises it
            batch.error = err
        finally:
            batch.sent.set()


class _Batch:
    __slots__ = ("error", "names", "sent")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.sent = asyncio.Event()
        self.error: Exception | None = None


async def _attempts() -> AsyncIterator[int]:
    """Attempts at a compare-and-set save, with a growing random pause before each retry
    so that writers racing for one conversation spread out."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            await asyncio.sleep(random.uniform(0, BACKOFF_STEP * attempt))  # noqa: S311 (not a secret)
        yield attempt

"""What a caseworker does with a case: take it, answer, add a note, record an outcome,
give it back, move it to another team, end it. Each action checks that the case is
still there and is this caseworker's, and tells the help-seeker what happened in their
language. Nothing here knows about Redis or the web: the ports do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from bot.core.conversation import Conversation, TranscriptEntry
from bot.core.dialogue import DialogueService, count_quietly
from bot.core.engine import CompiledFlow, bot_entries, option_trigger
from bot.core.handoff import NO_ANSWER, Case
from bot.core.messages import Option, Reply
from bot.core.ports import Tally
from bot.core.teams import Teams
from bot.errors import CaseNotFound, NotYourCase

CLAIMED = "handoff-claimed"
ENDED = "handoff-ended"
RELEASED = "handoff-released"
TRANSFERRED = "handoff-transferred"
END_OPTION = "option-end-conversation"
CASEWORK_MESSAGES = (CLAIMED, ENDED, RELEASED, TRANSFERRED, END_OPTION)
# The flow's option that leaves a handoff state; while talking it is labelled "end".
LEAVE_OPTION = "back"
# What a case came to, for the municipality's statistics: a fixed list, no free text.
OUTCOMES = (
    "advice",
    "referred",
    "protection_assessed",
    "sheltered_housing",
    "police_contacted",
    "ended_by_person",
    "other",
)
# Upper bounds (minutes) of the waiting-time histogram: counts per bucket are all the
# statistics keep of a wait, so no time finer than these is stored.
WAIT_BUCKETS = (1, 2, 5, 10, 15, 30, 60, 120, 240)
LONGER_WAIT = "inf"


def wait_bucket(seconds: float) -> str:
    """The label of the histogram bucket a wait falls in: its upper bound in minutes."""
    minutes = max(seconds, 0) / 60
    return next((str(bound) for bound in WAIT_BUCKETS if minutes <= bound), LONGER_WAIT)


class CaseQueue(Protocol):
    async def enqueue(self, case: Case) -> bool: ...
    async def claim(self, team: str, code: str, owner: str) -> bool: ...
    async def renew(self, team: str, code: str, owner: str) -> bool: ...
    async def release(self, team: str, code: str, owner: str = "") -> bool: ...
    async def remove(self, team: str, code: str, owner: str = "") -> bool: ...
    async def case(self, team: str, code: str) -> Case | None: ...
    async def waiting(self, team: str) -> list[Case]: ...
    async def mark_told(self, team: str, code: str) -> bool: ...
    async def return_expired_claims(self, team: str) -> list[str]: ...


class CaseRecords(Protocol):
    async def append(self, key: str, transcript: Sequence[TranscriptEntry]) -> bool: ...
    async def add_note(self, key: str, author: str, text: str) -> bool: ...
    async def close(self, key: str) -> None: ...


class LaterReplies(Protocol):
    async def publish(self, conversation_key: str, reply: Reply) -> str: ...


class Casework:
    def __init__(
        self,
        dialogue: DialogueService,
        queue: CaseQueue,
        records: CaseRecords,
        replies: LaterReplies,
        tally: Tally,
        teams: Teams,
    ) -> None:
        self.dialogue = dialogue
        self.queue = queue
        self.records = records
        self.replies = replies
        self.tally = tally
        self.teams = teams
        # Told (team, seconds) at each first claim, e.g. by the process's metrics.
        self.wait_observers: list[Callable[[str, float], None]] = []

    @property
    def compiled(self) -> CompiledFlow:
        # Read at use, never kept: an admin's publish swaps the engine's flows.
        return self.dialogue.engine.entry

    async def claim(self, team: str, code: str, owner: str) -> Case:
        case = await self.queue.case(team, code)
        if case is None:
            raise CaseNotFound("the case has ended")
        if not await self.queue.claim(team, code, owner):
            raise NotYourCase("another caseworker took the case first")
        conversation = await self._move(case, "waiting", lambda c: replace(c, status="talking"))
        if conversation is None:  # the person left at that very moment
            await self.queue.remove(team, code)
            raise CaseNotFound("the person has left")
        await self._tell(
            conversation, CLAIMED, {"team": self.teams.teams[team].name}, self._talking_options(conversation)
        )
        if not case.claimed_before:  # a case given back and taken again waited once
            # The dialogue's clock set asked_at, so it measures the wait too.
            waited = self.dialogue.clock().timestamp() - case.asked_at
            await count_quietly(self.tally, [f"wait:{team}:{wait_bucket(waited)}"])
            for observe in self.wait_observers:
                observe(team, waited)
        return replace(case, status="claimed", owner=owner)

    async def reply(self, team: str, code: str, owner: str, text: str) -> None:
        case = await self._own(team, code, owner)
        if not await self.records.append(case.conversation_key, [TranscriptEntry("caseworker", text)]):
            await self.queue.remove(team, code)
            raise CaseNotFound("the person has left")
        conversation = await self.dialogue.store.load(case.conversation_key)
        if conversation is None:
            raise CaseNotFound("the person has left")
        reply = self.compiled.bubble(conversation.language, text, self._talking_options(conversation))
        await self.replies.publish(case.conversation_key, reply)
        await self.queue.renew(team, code, owner)

    async def end(self, team: str, code: str, owner: str) -> None:
        case = await self._own(team, code, owner)
        conversation = await self._move(
            case, "talking", lambda c: replace(c, status="bot", team=None, state=self._after_talking(c.state))
        )
        await self.queue.remove(team, code, owner)
        if conversation is not None:
            said = self.compiled.say_message(
                self.compiled.place(conversation),
                conversation.language,
                ENDED,
                {"team": self.teams.teams[team].name},
            )
            await self._publish(conversation, said)
        # Last: the goodbye is part of what the retention after close applies to.
        await self.records.close(case.conversation_key)

    async def release(self, team: str, code: str, owner: str, supervisor: bool = False) -> None:
        """Back to the queue in its old place; a supervisor may do it with anyone's case
        (to reassign it)."""
        case = await self._own(team, code, owner, supervisor)
        await self.queue.release(team, code, "" if supervisor else owner)
        await self._back_in_line(case)

    async def transfer(
        self, team: str, code: str, owner: str, to_team: str, supervisor: bool = False
    ) -> None:
        if to_team not in self.teams.teams or to_team == team:
            raise CaseNotFound(f"there is no other team called {to_team!r}")
        case = await self._own(team, code, owner, supervisor)
        moved = replace(case, team=to_team, status="waiting", owner=None)
        await self.queue.enqueue(moved)  # in the new queue before it leaves the old one
        await self.queue.remove(team, code, "" if supervisor else owner)
        conversation = await self._move(case, "talking", lambda c: replace(c, status="waiting", team=to_team))
        if conversation is None:
            await self.queue.remove(to_team, code)
            raise CaseNotFound("the person has left")
        await self._tell(conversation, TRANSFERRED, {"team": self.teams.teams[to_team].name}, None)

    async def note(self, team: str, code: str, owner: str, text: str) -> None:
        case = await self._own(team, code, owner)
        if not await self.records.add_note(case.conversation_key, owner, text):
            raise CaseNotFound("the person has left")

    async def record_outcome(self, team: str, code: str, owner: str, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise CaseNotFound(f"{outcome!r} is not an outcome (known: {', '.join(OUTCOMES)})")
        await self._own(team, code, owner)
        # Not quietly: the caseworker sees that it was not recorded and can try again.
        await self.tally.count(f"outcome:{team}:{outcome}")

    async def renew(self, team: str, code: str, owner: str) -> bool:
        return await self.queue.renew(team, code, owner)

    async def tell_unanswered(self, now: float) -> int:
        """Tell each person who has waited longer than the teams' limit, once, that
        nobody has answered yet, with the lines that answer day and night; they keep
        their place and may leave. Any worker may run this: one tells each person."""
        told = 0
        for team in self.teams.teams:
            for case in await self.queue.waiting(team):
                if now - case.asked_at < self.teams.no_answer_seconds:
                    continue
                if not await self.queue.mark_told(team, case.code):
                    continue
                conversation = await self.dialogue.store.load(case.conversation_key)
                if conversation is not None and conversation.status == "waiting":
                    await self._tell(conversation, NO_ANSWER, {}, None)
                    told += 1
        return told

    async def _own(self, team: str, code: str, owner: str, supervisor: bool = False) -> Case:
        case = await self.queue.case(team, code)
        if case is None:
            raise CaseNotFound("the case has ended")
        if case.status != "claimed" or (case.owner != owner and not supervisor):
            raise NotYourCase("the case is not yours")
        return case

    async def return_expired(self, team: str) -> list[str]:
        """Cases whose console stopped renewing go back to the queue, and their person,
        who was talking, is waiting again and told so."""
        returned = await self.queue.return_expired_claims(team)
        for code in returned:
            case = await self.queue.case(team, code)
            if case is not None:
                await self._back_in_line(case)
        return returned

    async def _back_in_line(self, case: Case) -> None:
        conversation = await self._move(case, "talking", lambda c: replace(c, status="waiting"))
        if conversation is not None:
            await self._tell(conversation, RELEASED, {}, None)

    async def _move(
        self, case: Case, status: str, change: Callable[[Conversation], Conversation]
    ) -> Conversation | None:
        """Change the case's conversation only while it is still `status` with this team:
        the person may have left, or moved on, at the same moment."""

        def guarded(conversation: Conversation) -> Conversation | None:
            if conversation.status != status or conversation.team != case.team:
                return None
            return change(conversation)

        return await self.dialogue.update(case.conversation_key, guarded)

    def _after_talking(self, state: str) -> str:
        """Where the conversation goes on after a caseworker: where "leave" leads."""
        leave = option_trigger(LEAVE_OPTION)
        return (
            self.compiled.trigger(state, leave)
            if self.compiled.can_trigger(state, leave)
            else self.compiled.flow.start
        )

    def _talking_options(self, conversation: Conversation) -> tuple[Option, ...]:
        return (Option(LEAVE_OPTION, self.compiled.text(conversation.language, END_OPTION)),)

    async def _tell(
        self,
        conversation: Conversation,
        message_id: str,
        variables: dict[str, str],
        options: tuple[Option, ...] | None,
    ) -> None:
        place = self.compiled.place(conversation)  # a publish may have removed its state
        said = self.compiled.say_message(place, conversation.language, message_id, variables)
        if options is not None:
            said = tuple(replace(reply, options=options) for reply in said)
        await self._publish(conversation, said)

    async def _publish(self, conversation: Conversation, said: tuple[Reply, ...]) -> None:
        await self.records.append(conversation.key, bot_entries(said))
        for reply in said:
            await self.replies.publish(conversation.key, reply)

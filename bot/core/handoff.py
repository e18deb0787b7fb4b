"""Handing a conversation over to a person: what a turn does to the team's queue, and
what the help-seeker is told about it. The queue itself is a port (Redis in adapters)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.core.conversation import HANDED_OVER, Conversation
from bot.core.engine import Engine, Step
from bot.core.messages import Reply
from bot.core.teams import Team, Teams

POSITION = "handoff-position"
ESTIMATE = "handoff-estimate"
CLOSED = "handoff-closed"
NO_ANSWER = "handoff-no-answer"
HANDOFF_MESSAGES = (POSITION, ESTIMATE, CLOSED, NO_ANSWER)


@dataclass(frozen=True, slots=True)
class Case:
    """A help-seeker waiting for or talking with a caseworker. Holds no text."""

    code: str  # the short case code caseworkers see; never the channel id
    team: str
    conversation_key: str
    language: str
    topic: str
    danger: bool
    asked_at: float  # unix seconds
    status: str  # "waiting" or "claimed"
    owner: str | None = None
    claimed_before: bool = False  # its wait is already counted (given back, claimed again)


class CaseNews(Protocol):
    async def announce(self, topic: str, key: str) -> None: ...


# The notifier topic for "something happened in this handed-over conversation".
CASE_NEWS = "case"


class HandoffQueue(Protocol):
    async def enqueue(self, case: Case) -> bool: ...

    async def remove(self, team: str, code: str, owner: str = "") -> bool: ...

    async def position(self, team: str, code: str) -> int | None: ...

    async def typical_wait(self, team: str) -> float | None: ...


def case_code(conversation_key: str) -> str:
    """Eight letters and digits that name a conversation's case for caseworkers; the
    same for the whole conversation, so asking again finds the same place in the queue."""
    digest = hashlib.sha256(f"case:{conversation_key}".encode()).digest()
    return base64.b32encode(digest[:5]).decode()


class Handoffs:
    def __init__(self, engine: Engine, queue: HandoffQueue, teams: Teams, news: CaseNews) -> None:
        self.engine = engine
        self.queue = queue
        self.teams = teams
        self.news = news

    async def withdraw(self, conversation_key: str) -> None:
        """The conversation was deleted (forget me, quick exit, forgotten mid-turn): its
        case ends with it, in whichever team's queue it is (the code is known)."""
        code = case_code(conversation_key)
        for team in self.teams.teams:
            await self.queue.remove(team, code)
        await self.news.announce(CASE_NEWS, conversation_key)

    async def after_save(self, stored: Conversation | None, now: Conversation) -> None:
        """Wake the caseworker's console: the person wrote or left the queue."""
        if now.status in HANDED_OVER or (stored is not None and stored.status in HANDED_OVER):
            await self.news.announce(CASE_NEWS, now.key)

    async def settle(
        self, stored: Conversation | None, step: Step, now: datetime
    ) -> tuple[Step, tuple[Reply, ...]]:
        """Bring the queue in line with a turn, before the turn is saved: a case asked
        for is in the queue before the conversation says so (a lost save leaves a case a
        caseworker sees and closes, never a person waiting unseen). Returns the step with
        its routed team, and what to tell the person about the queue."""
        after = step.conversation
        before_team = stored.team if stored is not None and stored.status in HANDED_OVER else None
        if step.forget:
            return step, ()  # the dialogue withdraws the case once everything is deleted
        if after.status == "bot":
            if before_team is not None:
                await self.queue.remove(before_team, case_code(after.key))
            return step, ()
        if after.status == "talking":
            return step, ()
        code = case_code(after.key)  # only here: a hash most turns need not pay for
        kept = before_team is not None and not step.hands_over
        team = self.teams.teams[before_team] if before_team is not None and kept else self._route(after)
        after = replace(after, team=team.id)
        case = Case(
            code,
            team.id,
            after.key,
            after.language,
            after.topic or "",
            after.danger,
            now.timestamp(),
            "waiting",
        )
        await self.queue.enqueue(case)
        if before_team is not None and before_team != team.id:
            await self.queue.remove(before_team, code)
        step = replace(step, conversation=after)
        if kept:
            return step, ()
        return step, await self._queue_news(after, team.id, now)

    def _route(self, conversation: Conversation) -> Team:
        """A new handoff: the engine put the service asked for where the team goes."""
        return self.teams.route(conversation.team or "", conversation.municipality)

    async def _queue_news(self, conversation: Conversation, team_id: str, now: datetime) -> tuple[Reply, ...]:
        team = self.teams.teams[team_id]
        compiled = self.engine.entry
        place = compiled.place(conversation)  # a publish may have removed its state
        if not self.teams.is_open(team, now):
            return compiled.say_message(place, conversation.language, CLOSED, {"team": team.name})
        position = await self.queue.position(team_id, case_code(conversation.key)) or 1
        said = compiled.say_message(place, conversation.language, POSITION, {"position": position})
        typical = await self.queue.typical_wait(team_id)
        if typical is not None:
            minutes = max(1, round(typical / 60))
            said += compiled.say_message(place, conversation.language, ESTIMATE, {"minutes": minutes})
        return said

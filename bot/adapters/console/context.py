"""What the console's handlers work with, set on the app when it starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from bot.adapters.accounts import Account, Accounts, LoginGuard, Session, Sessions
from bot.adapters.audit import AuditLog
from bot.adapters.conversation_store import RedisConversationStore
from bot.adapters.crypto import ConversationKeyer
from bot.adapters.handoff_queue import RedisHandoffQueue
from bot.adapters.notifier import Notifier
from bot.core.casework import Casework
from bot.core.engine import Engine
from bot.core.teams import Teams
from bot.core.translator import Translator


@dataclass(frozen=True)
class Console:
    accounts: Accounts
    sessions: Sessions
    guard: LoginGuard
    audit: AuditLog
    casework: Casework
    queue: RedisHandoffQueue
    store: RedisConversationStore
    notifier: Notifier
    teams: Teams
    engine: Engine
    keyer: ConversationKeyer
    trusted_proxies: frozenset[str] = frozenset()

    # Read at each use, never kept: an admin's publish swaps the engine's content.
    @property
    def translator(self) -> Translator:
        return self.engine.translator

    @property
    def variables(self) -> Mapping[str, str]:
        """The entry flow's, for canned replies that name a number."""
        return self.engine.entry.flow.variables

    def https(self, request: web.Request) -> bool:
        """Served over https, directly or behind our own TLS proxy: cookies get Secure."""
        forwarded = (
            request.remote in self.trusted_proxies and request.headers.get("X-Forwarded-Proto") == "https"
        )
        return request.secure or forwarded

    def visible_teams(self, account: Account) -> list[str]:
        """The teams the account works in: conversations are seen through team
        membership only, whatever the role (an admin's role is flows and accounts)."""
        return [team for team in account.teams if team in self.teams.teams]

    def may_see_case(self, account: Account, team: str, owner: str | None) -> bool:
        """A caseworker: waiting cases of their teams and their own; a supervisor (or
        an admin who is in the team): every case of their teams (SAFETY rule 15)."""
        if team not in self.visible_teams(account):
            return False
        return account.supervises or owner in (None, account.name)


CONSOLE = web.AppKey("console", Console)
SESSION = web.RequestKey("session", Session)  # set by the auth middleware when logged in


def session_of(request: web.Request) -> Session:
    return request[SESSION]  # the auth middleware lets no request without one through

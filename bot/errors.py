"""The project's exception hierarchy: one root, a few meaningful kinds."""

from __future__ import annotations

from dataclasses import dataclass


class FristadError(Exception):
    """Root of every error Fristad raises on purpose."""


class ConfigError(FristadError):
    """The deployment is configured wrongly (settings, keys); Fristad must not start."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, with where it is."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        return f"{where}: {self.message}"


class ContentError(FristadError):
    """Flows or catalogues are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConversationNotFound(FristadError):
    """A channel referred to a conversation that does not exist (ended, forgotten or
    expired, or a token that was never issued)."""


class CaseError(FristadError):
    """A caseworker's action on a case cannot be done; the message says why, for them."""


class CaseNotFound(CaseError):
    """The case has ended (the person left, forgot, or another caseworker ended it)."""


class NotYourCase(CaseError):
    """Another caseworker has the case, or nobody has claimed it."""


class TooManyTurns(FristadError):
    """A conversation sent more messages in a minute than allowed; nothing was done."""


class StoreError(FristadError):
    """The state store could not do its job (Redis unreachable, data unreadable)."""


class ConversationBusy(StoreError):
    """A conversation kept changing under us; the turn was not applied."""


class DecryptionError(StoreError):
    """A stored value cannot be decrypted: unknown key id, wrong key or tampering."""


class DraftChanged(FristadError):
    """Another admin saved or published the draft since this one was read."""

"""What the web chat's handlers work with, set on the app when it starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiohttp import web

from bot.adapters.crypto import ConversationKeyer
from bot.adapters.outbox import Outbox
from bot.adapters.rate_limit import RateLimiter
from bot.core.dialogue import DialogueService
from bot.core.translator import Translator

CHANNEL = "web"


@dataclass(frozen=True)
class WebChatConfig:
    quick_exit_url: str
    conversations_per_minute: int
    trusted_proxies: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class WebChat:
    config: WebChatConfig
    dialogue: DialogueService
    keyer: ConversationKeyer
    limiter: RateLimiter
    outbox: Outbox
    # The rendered page per content generation and language: a publish makes new ones.
    pages: dict[tuple[int, str], str] = field(default_factory=dict)

    # Read at each use, never kept: an admin's publish swaps the engine's content.
    @property
    def translator(self) -> Translator:
        return self.dialogue.engine.translator

    @property
    def variables(self) -> Mapping[str, str]:
        """The entry flow's, for page texts that name a number."""
        return self.dialogue.engine.entry.flow.variables

    def conversation_key(self, token: str) -> str:
        return self.keyer.conversation_key(CHANNEL, token)

    def text(self, language: str, message_id: str) -> str:
        return self.translator.format(language, message_id, self.variables)


WEB_CHAT = web.AppKey("web_chat", WebChat)

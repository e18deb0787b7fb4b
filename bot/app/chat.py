"""`fristad chat`: a conversation in the terminal against the real engine and Redis,
for admins to try flows. Reads one line per turn, so it can be scripted with a pipe."""

from __future__ import annotations

import asyncio
import secrets
import sys
from typing import TextIO

from bot.adapters.content_files import Content
from bot.app.runtime import open_runtime
from bot.app.settings import Settings
from bot.core.dialogue import DialogueService
from bot.core.messages import GLOBAL_CHOICE_PREFIX, Incoming, Option, Reply

COMMANDS = {
    "/restart": "restart",
    "/language": "language",
    "/person": "person",
    "/danger": "danger",
    "/help": "help",
    "/forget": "forget",
}
QUIT = "/quit"
CHANNEL = "cli"
# Fluent wraps variables in right-to-left text in Unicode isolation marks; a terminal
# shows them as noise.
_ISOLATION_MARKS = str.maketrans("", "", "\u2068\u2069")


def render(replies: tuple[Reply, ...], out: TextIO) -> list[Option]:
    """Print the bot's bubbles and number the buttons of the last one."""
    for reply in replies:
        out.write(f"\n{reply.text.translate(_ISOLATION_MARKS)}\n")
    buttons = [*replies[-1].options, *replies[-1].actions] if replies else []
    for number, option in enumerate(buttons, start=1):
        out.write(f"  {number}) {option.label.translate(_ISOLATION_MARKS)}\n")
    out.write(f"  ({' '.join(COMMANDS)} {QUIT})\n")
    out.flush()
    return buttons


def parse_line(line: str, key: str, buttons: list[Option]) -> Incoming:
    """What a typed line means: a button number, a command or free text."""
    text = line.strip()
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Incoming(key, choice=buttons[int(text) - 1].id, channel=CHANNEL)
    if text in COMMANDS:
        return Incoming(key, choice=f"{GLOBAL_CHOICE_PREFIX}{COMMANDS[text]}", channel=CHANNEL)
    return Incoming(key, text=text, channel=CHANNEL)


async def chat(settings: Settings, content: Content, language: str, stdin: TextIO, out: TextIO) -> None:
    interactive = stdin.isatty()
    async with open_runtime(settings, content) as runtime:
        key = runtime.keys.keyer.conversation_key(CHANNEL, secrets.token_hex(16))
        # A trial from the terminal: the same dialogue, but no help-seeker, so not counted.
        dialogue = DialogueService(runtime.engine, runtime.store, handoffs=runtime.dialogue.handoffs)
        try:
            buttons = render(
                await dialogue.handle(Incoming(key, language_hint=language, channel=CHANNEL)), out
            )
            while True:
                if interactive:
                    out.write("> ")
                    out.flush()
                line = await asyncio.to_thread(stdin.readline)
                if not line or line.strip() == QUIT:
                    break
                if not line.strip():
                    continue
                if not interactive:
                    out.write(f"> {line.strip()}\n")
                buttons = render(await dialogue.handle(parse_line(line, key, buttons)), out)
        finally:
            # A trial conversation is not kept.
            await runtime.store.forget(key)


def run_chat(settings: Settings, content: Content, language: str) -> None:
    asyncio.run(chat(settings, content, language, sys.stdin, sys.stdout))

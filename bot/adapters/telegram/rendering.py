"""Replies as Telegram messages: text, and the choices as an inline keyboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.messages import Reply

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit for one message, in UTF-16 code units
# Bubbles are joined up to this length, leaving room for the neutral opener.
MAX_JOINED_LENGTH = MAX_MESSAGE_LENGTH - 200
ACTIONS_PER_ROW = 2


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The state's options one per row (they are sentences), then the global actions."""
    rows = [[InlineKeyboardButton(option.label, callback_data=option.id)] for option in reply.options]
    actions = [InlineKeyboardButton(action.label, callback_data=action.id) for action in reply.actions]
    rows += [actions[i : i + ACTIONS_PER_ROW] for i in range(0, len(actions), ACTIONS_PER_ROW)]
    return InlineKeyboardMarkup(rows) if rows else None


def joined(replies: Sequence[Reply]) -> list[Reply]:
    """The bubbles of one turn as few messages as Telegram allows: each bubble without
    choices of its own is joined to the next one (the last to the one before). Telegram
    lets a bot send one message a second to a chat: three bubbles would take three
    seconds to arrive."""
    messages: list[Reply] = []
    pending: Reply | None = None
    for reply in replies:
        if pending is not None and _fits(pending, reply):
            reply = replace(reply, text=f"{pending.text}\n\n{reply.text}")
        elif pending is not None:
            messages.append(pending)
        pending = None
        if reply.options:
            messages.append(reply)
        else:
            pending = reply
    if pending is not None and messages and _fits(messages[-1], pending):
        # Said after the choices (a note from the handoff): under the same buttons.
        messages[-1] = replace(messages[-1], text=f"{messages[-1].text}\n\n{pending.text}")
    elif pending is not None:
        messages.append(pending)
    return messages


def _fits(first: Reply, second: Reply) -> bool:
    return _length(first.text) + 2 + _length(second.text) <= MAX_JOINED_LENGTH


def message_texts(opener: str, text: str) -> list[str]:
    """A reply as Telegram messages, each beginning with the neutral opener, so that a
    lock screen or the chat list shows nothing of what the chat is about; a text too
    long for one message is split between paragraphs or words."""
    room = MAX_MESSAGE_LENGTH - _length(opener) - 2
    parts: list[str] = []
    rest = text.strip()
    while _length(rest) > room:
        cut = _longest_prefix(rest, room)
        split = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
        cut = split if split > cut // 2 else cut
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [f"{opener}\n\n{part}" for part in parts]


def _length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, units: int) -> int:
    """How many characters of `text` fit in `units` UTF-16 code units."""
    count = 0
    for index, char in enumerate(text):
        count += 2 if ord(char) > 0xFFFF else 1
        if count > units:
            return index
    return len(text)

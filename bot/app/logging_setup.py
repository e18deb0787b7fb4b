"""Logging for the whole process. Loggers of libraries that can print raw updates stay
at INFO or above so that message text never reaches the logs (SAFETY rule 11)."""

from __future__ import annotations

import logging

QUIET_LIBRARIES = ("telegram",)
# transitions logs every state change: noise, and a trace of what a person chose.
# The access log would carry help-seekers' addresses; httpx logs every request's
# address at INFO, and the Bot API's address holds the bot token.
SILENT_LIBRARIES = ("transitions", "aiohttp.access", "httpx", "httpcore")
# python-telegram-bot prints a whole update (texts, ids) when it cannot parse one, and a
# whole answer of Telegram's when it is not JSON: never shown, whatever the level.
MUTED_LIBRARIES = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.request")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelNamesMapping()[level]))
    for name in SILENT_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in MUTED_LIBRARIES:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)

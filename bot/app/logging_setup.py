"""Logging for the whole process. Loggers of libraries that can print raw updates stay
at INFO or above so that message text never reaches the logs (SAFETY rule 11).

Two formats (FRISTAD_LOG_FORMAT, docs/logging.md): `text`, one line per record as
always, and `json`, one JSON object per line. In both, an exception is shown by its type
and its traceback (files, lines, functions and code) but never by its message: messages
of Redis, aiohttp and other errors can hold addresses, URLs (the Bot API's holds the bot
token) or values of the request."""

from __future__ import annotations

import datetime
import json
import logging
import traceback
from typing import Any

from bot.app.request_ids import RequestIdFilter

QUIET_LIBRARIES = ("telegram",)
# transitions logs every state change: noise, and a trace of what a person chose.
# The access log would carry help-seekers' addresses; httpx logs every request's
# address at INFO, and the Bot API's address holds the bot token.
SILENT_LIBRARIES = ("transitions", "aiohttp.access", "httpx", "httpcore")
# python-telegram-bot prints a whole update (texts, ids) when it cannot parse one, and a
# whole answer of Telegram's when it is not JSON: never shown, whatever the level.
MUTED_LIBRARIES = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.request")
# aiohttp's server logs "Error handling request from <client address>".
ADDRESS_LOGGERS = ("aiohttp.server",)

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, log_format: str = "text") -> None:
    handler = logging.StreamHandler()  # stderr
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    logging.basicConfig(level=level, handlers=[handler])
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelNamesMapping()[level]))
    for name in SILENT_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in MUTED_LIBRARIES:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    for name in ADDRESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoClientAddress) for f in logger.filters):
            logger.addFilter(NoClientAddress())


class NoClientAddress(logging.Filter):
    """Drops the client's address from aiohttp's "Error handling request from %s"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Error handling request from"):
            record.msg, record.args = "Error handling request", ()
        return True


def type_name(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it came from (cause or context), oldest first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and not any(current is seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return chain[::-1]


def safe_traceback(exc: BaseException) -> str:
    """As Python prints a traceback (no local values), each exception's message left out."""
    parts: list[str] = []
    for exc_in_chain in exception_chain(exc):
        if parts:
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if exc_in_chain.__cause__ is not None
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
        frames = "".join(traceback.format_tb(exc_in_chain.__traceback__))
        parts.append(
            f"Traceback (most recent call last):\n{frames}{type_name(exc_in_chain)} (message not logged)\n"
        )
    return "".join(parts).rstrip("\n")


class TextFormatter(logging.Formatter):
    """Today's lines; tracebacks without exception messages."""

    def formatException(self, ei: Any) -> str:
        _, exc, _ = ei
        return safe_traceback(exc) if exc is not None else ""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, and when
    there is one the request_id, the exception's type (and the types it came from) and
    its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        entry: dict[str, Any] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            chain = exception_chain(exc)
            entry["exception"] = type_name(exc)
            if len(chain) > 1:
                entry["exception_chain"] = [type_name(e) for e in chain]
            entry["traceback"] = safe_traceback(exc)
        if record.stack_info:
            entry["stack"] = record.stack_info  # code locations only
        return json.dumps(entry)  # ASCII: no line separator a reader could split on

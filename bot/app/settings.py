"""All configuration, read from the environment once, at start-up."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.adapters.telegram.pacing import PER_CHAT_SECONDS
from bot.errors import ConfigError

DAY = 24 * 3600
MAX_DAYS = 3650  # nothing about a help-seeker is kept for years

# name -> (default, description); docs and README list exactly these.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "REDIS_URL": (
        "(unset)",
        "Redis to use: one server (redis://user:password@redis:6379/0, rediss:// for TLS, unix://), Sentinel (redis+sentinel://s1:26379,s2:26379/service) or Cluster (redis+cluster://n1:6379,n2:6379); docs/scale-out.md. Unset: start an embedded Redis with its data in FRISTAD_DATA_DIR.",
    ),
    "FRISTAD_DATA_DIR": ("./var", "Folder for the embedded Redis and the development keys."),
    "FRISTAD_FLOWS_DIR": ("./flows", "Folder of the flow files (*.yaml)."),
    "FRISTAD_LOCALES_DIR": ("./locales", "Folder of the catalogues, one sub-folder per language."),
    "FRISTAD_TEAMS_FILE": (
        "./config/teams.yaml",
        "YAML file of the teams that answer handoffs: which kind of help, which municipalities, office hours.",
    ),
    "FRISTAD_LOCAL_NUMBERS_FILE": (
        "(unset)",
        "YAML file of this deployment's local phone numbers per municipality (example: docs/local-numbers.example.yaml). Unset or empty numbers: the bot gives the general route.",
    ),
    "FRISTAD_ENCRYPTION_KEYS": (
        "(unset)",
        "Encryption keys, 'id:base64key,...', newest (current) first; each key 32 bytes. Or FRISTAD_ENCRYPTION_KEYS_FILE: a file holding the same.",
    ),
    "FRISTAD_HMAC_KEY": (
        "(unset)",
        "Key (32 bytes, base64) that turns channel user ids into conversation keys. Or FRISTAD_HMAC_KEY_FILE. With neither key set and REDIS_URL unset, development keys are made in FRISTAD_DATA_DIR.",
    ),
    "FRISTAD_CONVERSATION_TTL_DAYS": (
        "30",
        "Days without activity after which a conversation and its transcript expire (1 to 3650).",
    ),
    "FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE": (
        "30",
        "Days a transcript and the caseworkers' notes are kept after a caseworker ends the case (0 to 3650; never longer than FRISTAD_CONVERSATION_TTL_DAYS); 0: deleted when the case ends.",
    ),
    "FRISTAD_LOG_LEVEL": ("INFO", "DEBUG, INFO, WARNING or ERROR."),
    "FRISTAD_LOG_FORMAT": (
        "text",
        "text (one line per record) or json (one JSON object per line, with a request id; docs/logging.md).",
    ),
    "FRISTAD_WORKERS": (
        "1",
        "Worker processes fristad run starts, all serving the same address (1 to 64; or fristad run --workers N). Several need TELEGRAM_WEBHOOK_URL when Telegram is on.",
    ),
    "FRISTAD_QUICK_EXIT_URL": (
        "https://www.smhi.se/vader",
        "Neutral page the web chat's quick exit opens in place of the chat (http or https).",
    ),
    "FRISTAD_FRAME_ANCESTORS": (
        "'none'",
        "Sites that may show the web chat in a frame (Content-Security-Policy frame-ancestors), e.g. https://www.taby.se; 'none' forbids framing.",
    ),
    "FRISTAD_MESSAGES_PER_MINUTE": ("30", "Messages one conversation may send per minute, in any channel."),
    "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": (
        "20",
        "Web chat conversations one network address may start per minute.",
    ),
    "FRISTAD_TRUSTED_PROXIES": (
        "(unset)",
        "Addresses of your own reverse proxies, comma-separated: for requests from them the address limits use X-Forwarded-For.",
    ),
    "FRISTAD_METRICS_TOKEN": (
        "(unset)",
        "Bearer token Prometheus sends to read GET /metrics (16 to 256 letters, digits, _ or -); docs/metrics.md. Unset: /metrics answers 404. Or FRISTAD_METRICS_TOKEN_FILE.",
    ),
    "TELEGRAM_BOT_TOKEN": (
        "(unset)",
        "The Telegram bot's token from BotFather; the Telegram channel is on when it is set. Or TELEGRAM_BOT_TOKEN_FILE.",
    ),
    "TELEGRAM_WEBHOOK_URL": (
        "(unset)",
        "Public https address Telegram posts updates to (its path is served by Fristad, e.g. https://chat.example.se/telegram/webhook). Unset: Fristad polls Telegram (development, one process).",
    ),
    "TELEGRAM_WEBHOOK_SECRET": (
        "(unset)",
        "Secret Telegram sends with every update (16 to 256 letters, digits, _ or -); required with TELEGRAM_WEBHOOK_URL. Or TELEGRAM_WEBHOOK_SECRET_FILE.",
    ),
    "TELEGRAM_API_BASE_URL": ("https://api.telegram.org", "Address of the Telegram Bot API."),
    "FRISTAD_TELEGRAM_CLEAN_AFTER_HOURS": (
        "0",
        "Delete a Telegram chat's messages this many hours after its last message (1 to 46, inside Telegram's 48-hour limit); 0: only on /exit.",
    ),
    "FRISTAD_TELEGRAM_NAME": (
        "Chatt",
        "The bot's name in Telegram: keep it neutral, it shows on lock screens.",
    ),
    "FRISTAD_TELEGRAM_DESCRIPTION": (
        "Skriv /start för att börja. Skriv /exit för att radera chatten.",
        "What Telegram shows in an empty chat with the bot.",
    ),
    "FRISTAD_TELEGRAM_SHORT_DESCRIPTION": (
        "Chatt",
        "What Telegram shows on the bot's profile and when it is shared.",
    ),
}

# Telegram lets a bot delete messages for 48 hours; Fristad deletes those under 47 hours
# old, and a quiet chat is cleaned up to a minute after it is due.
TELEGRAM_MAX_CLEAN_HOURS = 46
# With 64 commands in flight each (up to 128 connections per Cluster node), 64 workers
# stay inside Redis's default 10,000 clients; one machine gains nothing from more.
MAX_WORKERS = 64


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None
    data_dir: Path = Path("var")
    flows_dir: Path = Path("flows")
    locales_dir: Path = Path("locales")
    local_numbers_file: Path | None = None
    teams_file: Path = Path("config/teams.yaml")
    encryption_keys: str | None = None
    # Where the keys came from, if a file: running workers follow it, `keys rotate` edits it.
    encryption_keys_file: Path | None = None
    hmac_key: str | None = None
    conversation_ttl_seconds: int = 30 * DAY
    # After a caseworker ends a case; 0: its transcript and notes are deleted then.
    transcript_after_close_seconds: int = 30 * DAY
    log_level: str = "INFO"
    log_format: str = "text"  # or "json"
    quick_exit_url: str = "https://www.smhi.se/vader"
    frame_ancestors: str = "'none'"
    messages_per_minute: int = 30
    web_conversations_per_minute: int = 20
    trusted_proxies: frozenset[str] = frozenset()
    telegram: TelegramSettings | None = None  # None: the Telegram channel is off
    workers: int = 1  # processes `fristad run` starts on one address
    metrics_token: str | None = None  # None: GET /metrics answers 404

    def __post_init__(self) -> None:
        # Telegram answers only one getUpdates at a time (409 Conflict): polling workers
        # would keep cutting each other off.
        if self.workers > 1 and self.telegram is not None and self.telegram.webhook_url is None:
            raise ConfigError(
                "several workers need TELEGRAM_WEBHOOK_URL: Telegram lets only one process poll for "
                "updates (run one worker, or set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET)"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        # Defaults are the field defaults above, stated once.
        level = (env.get("FRISTAD_LOG_LEVEL") or cls.log_level).upper()
        if level not in logging.getLevelNamesMapping():
            raise ConfigError(f"FRISTAD_LOG_LEVEL={level!r} is not a log level")
        log_format = (env.get("FRISTAD_LOG_FORMAT") or cls.log_format).lower()
        if log_format not in ("text", "json"):
            raise ConfigError(f"FRISTAD_LOG_FORMAT={log_format!r}: give text or json")
        return cls(
            redis_url=env.get("REDIS_URL") or None,
            data_dir=Path(env.get("FRISTAD_DATA_DIR") or cls.data_dir),
            flows_dir=Path(env.get("FRISTAD_FLOWS_DIR") or cls.flows_dir),
            locales_dir=Path(env.get("FRISTAD_LOCALES_DIR") or cls.locales_dir),
            local_numbers_file=Path(path) if (path := env.get("FRISTAD_LOCAL_NUMBERS_FILE")) else None,
            teams_file=Path(env.get("FRISTAD_TEAMS_FILE") or cls.teams_file),
            encryption_keys=_secret(env, "FRISTAD_ENCRYPTION_KEYS"),
            encryption_keys_file=Path(path) if (path := env.get("FRISTAD_ENCRYPTION_KEYS_FILE")) else None,
            hmac_key=_secret(env, "FRISTAD_HMAC_KEY"),
            conversation_ttl_seconds=_days(
                env, "FRISTAD_CONVERSATION_TTL_DAYS", cls.conversation_ttl_seconds // DAY
            )
            * DAY,
            transcript_after_close_seconds=_days_or_none(
                env, "FRISTAD_TRANSCRIPT_DAYS_AFTER_CLOSE", cls.transcript_after_close_seconds // DAY
            )
            * DAY,
            log_level=level,
            log_format=log_format,
            quick_exit_url=_url(env, "FRISTAD_QUICK_EXIT_URL", cls.quick_exit_url),
            frame_ancestors=_frame_ancestors(env.get("FRISTAD_FRAME_ANCESTORS") or cls.frame_ancestors),
            messages_per_minute=_count(env, "FRISTAD_MESSAGES_PER_MINUTE", cls.messages_per_minute),
            trusted_proxies=_addresses(env.get("FRISTAD_TRUSTED_PROXIES", "")),
            web_conversations_per_minute=_count(
                env, "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE", cls.web_conversations_per_minute
            ),
            telegram=TelegramSettings.from_env(env),
            workers=_whole_number(env, "FRISTAD_WORKERS", cls.workers, MAX_WORKERS),
            metrics_token=_metrics_token(env),
        )


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str | None = None  # None: poll
    webhook_secret: str | None = None
    clean_after_hours: int = 0  # 0: only on /exit
    name: str = "Chatt"
    description: str = "Skriv /start för att börja. Skriv /exit för att radera chatten."
    short_description: str = "Chatt"
    # Telegram's limit; not configurable in production, only shortened by tests.
    per_chat_seconds: float = PER_CHAT_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramSettings | None:
        token = _secret(env, "TELEGRAM_BOT_TOKEN")
        if token is None:
            return None
        if not _BOT_TOKEN.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
        webhook_url = _url(env, "TELEGRAM_WEBHOOK_URL", "") if env.get("TELEGRAM_WEBHOOK_URL") else None
        secret = _secret(env, "TELEGRAM_WEBHOOK_SECRET")
        if webhook_url is not None and secret is None:
            raise ConfigError("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not")
        if secret is not None and not _WEBHOOK_SECRET.match(secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or -")
        clean = env.get("FRISTAD_TELEGRAM_CLEAN_AFTER_HOURS") or "0"
        return cls(
            token=token,
            api_base_url=_url(env, "TELEGRAM_API_BASE_URL", cls.api_base_url).rstrip("/"),
            webhook_url=webhook_url,
            webhook_secret=secret,
            clean_after_hours=0
            if clean == "0"
            else _whole_number(
                env, "FRISTAD_TELEGRAM_CLEAN_AFTER_HOURS", 0, TELEGRAM_MAX_CLEAN_HOURS, " hours"
            ),
            name=_text(env, "FRISTAD_TELEGRAM_NAME", cls.name, 64),
            description=_text(env, "FRISTAD_TELEGRAM_DESCRIPTION", cls.description, 512),
            short_description=_text(env, "FRISTAD_TELEGRAM_SHORT_DESCRIPTION", cls.short_description, 120),
        )


_BOT_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,64}\Z")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{16,256}\Z")


def _metrics_token(env: Mapping[str, str]) -> str | None:
    token = _secret(env, "FRISTAD_METRICS_TOKEN")
    if token is not None and not _WEBHOOK_SECRET.match(token):
        raise ConfigError("FRISTAD_METRICS_TOKEN must be 16 to 256 letters, digits, _ or -")
    return token


def _text(env: Mapping[str, str], name: str, default: str, most: int) -> str:
    """A text Telegram shows (its own length limits)."""
    value = (env.get(name) or default).strip()
    if not value or len(value) > most:
        raise ConfigError(f"{name} must be 1 to {most} characters")
    return value


def _secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (container secrets)."""
    value = env.get(name)
    path = env.get(f"{name}_FILE")
    if value and path:
        raise ConfigError(f"set either {name} or {name}_FILE, not both")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip() or None
        except OSError as err:
            raise ConfigError(f"{name}_FILE cannot be read: {err.strerror}") from err
    return value or None


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    return _whole_number(env, name, default, MAX_DAYS, " days")


def _days_or_none(env: Mapping[str, str], name: str, default: int) -> int:
    """Days, where 0 (none) is a choice too."""
    return _whole_number(env, name, default, MAX_DAYS, " days", least=0)


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    return _whole_number(env, name, default, 1_000_000)


def _whole_number(
    env: Mapping[str, str], name: str, default: int, most: int, unit: str = "", least: int = 1
) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as err:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from err
    if not least <= value <= most:
        raise ConfigError(f"{name} must be between {least} and {most}{unit}, got {value}")
    return value


def workers_option(raw: str) -> int:
    """The number of `fristad run --workers`, checked like FRISTAD_WORKERS."""
    return _whole_number({"--workers": raw}, "--workers", 1, MAX_WORKERS)


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in value for c in '"<> \n'):
        raise ConfigError(f"{name}={value!r} is not an http(s) address")
    return value


# A CSP source: 'none', 'self', or a scheme://host[:port] (wildcard subdomain allowed).
_FRAME_SOURCE = re.compile(r"^('none'|'self'|https?://(\*\.)?[A-Za-z0-9.-]+(:\d+)?)\Z")


def _frame_ancestors(value: str) -> str:
    sources = value.split()
    if not sources or not all(_FRAME_SOURCE.match(s) for s in sources):
        raise ConfigError(
            f"FRISTAD_FRAME_ANCESTORS={value!r}: give 'none', 'self' or site addresses like https://www.taby.se"
        )
    if "'none'" in sources and len(sources) > 1:
        raise ConfigError("FRISTAD_FRAME_ANCESTORS: 'none' cannot be combined with sites")
    return " ".join(sources)


def _addresses(value: str) -> frozenset[str]:
    addresses = frozenset(part.strip() for part in value.split(",") if part.strip())
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError as err:
            raise ConfigError(f"FRISTAD_TRUSTED_PROXIES: {address!r} is not an IP address") from err
    return addresses

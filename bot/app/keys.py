"""The keys Fristad runs with: configured ones, or development keys made on first run."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.adapters.crypto import ConversationKeyer, Encryptor, decode_key, new_key, parse_key_ring
from bot.app.settings import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

DEV_KEYS_FILE = "development-keys.json"
FOLLOW_SECONDS = 1.0


@dataclass(frozen=True)
class Keys:
    encryptor: Encryptor
    keyer: ConversationKeyer
    development: bool


def load_keys(settings: Settings) -> Keys:
    encryption, hmac_key = settings.encryption_keys, settings.hmac_key
    development = encryption is None and hmac_key is None
    if development and settings.redis_url is not None:
        raise ConfigError(
            "REDIS_URL is set but no keys are: set FRISTAD_ENCRYPTION_KEYS and FRISTAD_HMAC_KEY "
            "(development keys are only made for the embedded Redis)"
        )
    if development:
        encryption, hmac_key = _development_keys(settings.data_dir / DEV_KEYS_FILE)
    if encryption is None:
        raise ConfigError(
            "FRISTAD_HMAC_KEY is set but FRISTAD_ENCRYPTION_KEYS is not: set both, or neither for development"
        )
    if hmac_key is None:
        raise ConfigError(
            "FRISTAD_ENCRYPTION_KEYS is set but FRISTAD_HMAC_KEY is not: set both, or neither for development"
        )
    current, ring = parse_key_ring(encryption)
    keys = Keys(
        Encryptor(current, ring), ConversationKeyer(decode_key(hmac_key, "FRISTAD_HMAC_KEY")), development
    )
    if development:
        log.warning(
            "\n%s\nDEVELOPMENT KEYS IN USE (%s). Never use them for real conversations:\n"
            "set FRISTAD_ENCRYPTION_KEYS and FRISTAD_HMAC_KEY (see README).\n%s",
            "!" * 72, settings.data_dir / DEV_KEYS_FILE, "!" * 72,
        )  # fmt: skip
    return keys


def development_key_environment(settings: Settings) -> dict[str, str]:
    """The development keys as the settings that configure keys, for processes that are
    given REDIS_URL (the workers of `fristad run --workers`) and so make none."""
    encryption, hmac_key = _development_keys(settings.data_dir / DEV_KEYS_FILE)
    return {"FRISTAD_ENCRYPTION_KEYS": encryption, "FRISTAD_HMAC_KEY": hmac_key}


def _development_keys(path: Path) -> tuple[str, str]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"encryption_keys": f"dev1:{new_key()}", "hmac_key": new_key()}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made them just now
        else:
            with os.fdopen(fd, "w") as file:
                json.dump(data, file)
    try:
        data = json.loads(path.read_text())
        return str(data["encryption_keys"]), str(data["hmac_key"])
    except (OSError, ValueError, KeyError) as err:
        raise ConfigError(
            f"the development keys file {path} is unreadable; delete it to make new ones"
        ) from err


async def follow_key_file(encryptor: Encryptor, path: Path | None, redis: Redis, stop: asyncio.Event) -> None:
    """Take the key file's new key ring when it changes, and say which key this worker
    writes with (no key, only its id)."""
    worker = secrets.token_hex(8)
    seen = _mtime(path)
    try:
        while not stop.is_set():
            if path is not None and (changed := _mtime(path)) != seen:
                seen = changed
                try:
                    spec = await asyncio.to_thread(path.read_text, encoding="utf-8")
                    encryptor.replace_keys(*parse_key_ring(spec.strip()))
                    log.info("encryption keys read again: new values use key %s", encryptor.current_id)
                except (OSError, UnicodeDecodeError, ConfigError) as err:
                    log.error(
                        "the encryption keys file cannot be used (%s): keeping the keys in use",
                        type(err).__name__,
                    )
            with contextlib.suppress(RedisError):
                await redis.hset(redis_keys.key_users(), worker, f"{encryptor.current_id} {time.time():.0f}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), FOLLOW_SECONDS)
    finally:
        with contextlib.suppress(RedisError, OSError):
            await redis.hdel(redis_keys.key_users(), worker)


def _mtime(path: Path | None) -> float | None:
    try:
        return None if path is None else path.stat().st_mtime
    except OSError:
        return None

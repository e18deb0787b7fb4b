"""Encryption key rotation without downtime (docs/security.md, "Keys").

Keys come from the environment or a file, never from Redis. When they come from a file
(FRISTAD_ENCRYPTION_KEYS_FILE), every worker reads it again when it changes and tells
Redis which key it writes with (`follow_key_file` in keys.py); `fristad keys rotate`
puts a new key first in the file, waits until every worker writes with it, then
re-encrypts every stored value.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from dataclasses import replace
from pathlib import Path
from typing import cast

from redis.asyncio import Redis

from bot.adapters import redis_keys
from bot.adapters.content_files import Content
from bot.adapters.crypto import Encryptor, new_key, parse_key_ring
from bot.adapters.reencryption import Reencryption
from bot.app.runtime import open_runtime
from bot.app.settings import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

REPORT_FRESH_SECONDS = 5.0  # a worker that has not said so within this is gone
WAIT_FOR_WORKERS_SECONDS = 60.0
MAX_PASSES = 5


def rotate(settings: Settings, content: Content, resume: bool) -> str:
    """Add a new current key to the key file (unless resuming), wait for the workers,
    re-encrypt everything; a report of what was done."""
    path = settings.encryption_keys_file
    if path is None and not (resume and settings.encryption_keys):
        raise ConfigError(
            "keys rotate needs FRISTAD_ENCRYPTION_KEYS_FILE. With FRISTAD_ENCRYPTION_KEYS, put a new key"
            f" first (for example k{int(time.time())}:{new_key()}), restart every worker with it,"
            " then run `fristad keys rotate --resume`"
        )
    spec = path.read_text(encoding="utf-8").strip() if path else str(settings.encryption_keys)
    if not resume and path is not None:
        _, ring = parse_key_ring(spec)
        key_id = f"k{int(time.time())}"
        if key_id in ring:
            raise ConfigError(f"a key {key_id} exists already: wait a second and try again")
        spec = f"{key_id}:{new_key()},{spec}"
        _write_secret(path, spec)
    current, ring = parse_key_ring(spec)
    encryptor = Encryptor(current, ring)

    async def run() -> str:
        # This process writes with the new key too, and says so like every worker.
        async with open_runtime(replace(settings, encryption_keys=spec), content) as runtime:
            await _wait_for_workers(runtime.redis, current)
            reencryption = Reencryption(runtime.redis, encryptor)
            done = 0
            for _ in range(MAX_PASSES):
                tally = await reencryption.run()
                done += tally.reencrypted
                if not tally.changed_meanwhile:
                    break
            left = await reencryption.count()
        old = sorted(key_id for key_id in ring if key_id != current and not left[key_id])
        lines = [f"new values use key {current}; {done} stored values re-encrypted"]
        lines += [f"  {key_id}: {n} values" for key_id, n in sorted(left.items())]
        if old:
            where = path or "FRISTAD_ENCRYPTION_KEYS"
            lines.append(f"no value uses {', '.join(old)} any more: remove it from {where} when you like")
        return "\n".join(lines)

    return asyncio.run(run())


async def _wait_for_workers(redis: Redis, current: str) -> None:
    """Until every running worker writes with `current`: before that, a worker that
    only knows the old keys could not read what is re-encrypted."""
    deadline = time.monotonic() + WAIT_FOR_WORKERS_SECONDS
    while True:
        raw = cast(dict[bytes, bytes], await redis.hgetall(redis_keys.key_users()))
        reports = {worker.decode(): said.decode().split() for worker, said in raw.items()}
        alive = {
            worker: key_id
            for worker, (key_id, at) in reports.items()
            if time.time() - float(at) < REPORT_FRESH_SECONDS
        }
        if gone := [worker for worker in reports if worker not in alive]:
            await redis.hdel(redis_keys.key_users(), *gone)  # workers that were killed
        behind = [worker for worker, key_id in alive.items() if key_id != current]
        if not behind:
            return
        if time.monotonic() > deadline:
            raise ConfigError(
                f"{len(behind)} running worker(s) still write with an older key: give them the key file"
                " (same FRISTAD_ENCRYPTION_KEYS_FILE) or restart them, then run `fristad keys rotate --resume`"
            )
        await asyncio.sleep(0.5)


def _write_secret(path: Path, text: str) -> None:
    """Replace the file at once (a worker never reads half of it), readable by its owner only."""
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    os.replace(scratch, path)

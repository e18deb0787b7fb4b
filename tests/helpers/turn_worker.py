"""A separate worker process for the concurrency test: says hello to one conversation,
then from a given moment sends "next" N times, through its own runtime (own Redis
connections).

Usage: python -m tests.helpers.turn_worker CONVERSATION_KEY TURNS START_AT
with REDIS_URL, the keys and FRISTAD_FLOWS_DIR / FRISTAD_LOCALES_DIR in the environment.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from bot.adapters.content_files import load_content
from bot.app.runtime import open_runtime
from bot.app.settings import Settings
from bot.core.messages import Incoming


async def work(key: str, turns: int, start_at: float) -> None:
    settings = Settings.from_env(os.environ)
    content = load_content(
        settings.flows_dir, settings.locales_dir, settings.local_numbers_file, settings.teams_file
    )
    async with open_runtime(settings, content) as runtime:
        # The first message of a conversation only says the start state; after it, every
        # "next" moves one state on.
        await runtime.dialogue.handle(Incoming(key))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        for _ in range(turns):
            await runtime.dialogue.handle(Incoming(key, choice="next"))


if __name__ == "__main__":
    asyncio.run(work(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))

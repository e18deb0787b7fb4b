"""Benchmark of the Telegram channel: `fristad run` in its own process takes updates at
its webhook, from this process, and sends its replies to a local stand-in of the Bot
API, also in this process. Measured: how long the webhook takes to answer (the update
is recorded), and how long until the reply reaches "Telegram" (sendMessage arrives).

Telegram allows 30 messages a second in all, so the offered load stays under that; the
figure shows what Fristad adds to a turn, not Telegram's limit.

    python bench/telegram_channel.py [--rate 25] [--seconds 20] [--chats 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.common import fristad_run, server_env
from bench.figures import Figure, p99
from bot.adapters.redis_server import free_port
from bot.adapters.telegram.channel import SECRET_HEADER
from tests.helpers.bot_api import BotApiStandIn

SECRET = "bench-secret-0123456789abcdef"
TYPED = ("meny", "hjälp", "polisen", "skyddat boende")


class TimedStandIn(BotApiStandIn):
    """The stand-in, noting when each chat's messages arrive."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[int, asyncio.Event] = {}

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        result = super()._api_sendMessage(params)
        self.arrived.setdefault(int(params["chat_id"]), asyncio.Event()).set()
        return result


async def _measure(redis_url: str, rate: float, seconds: float, chats: int) -> list[Figure]:
    api = TimedStandIn()
    await api.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = {
                **server_env(redis_url, folder),
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_API_BASE_URL": api.url,
                "TELEGRAM_WEBHOOK_URL": "https://bench.example/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
            }
            # The stand-in answers from this event loop, which must keep running while the
            # server starts (it sets its webhook) and stops: both happen in a thread.
            server = contextlib.ExitStack()
            await asyncio.to_thread(server.enter_context, fristad_run(env, port))
            try:
                answers, replies, took = await _updates(api, url, rate, seconds, chats)
            finally:
                await asyncio.to_thread(server.close)
    finally:
        await api.close()
    each = f"{len(replies)} updates to {chats} chats at {len(replies) / took:.1f}/s"
    return [
        p99(
            "telegram_webhook_p99", "Telegram webhook answered (update recorded) p99", answers, each, "extra"
        ),
        p99("telegram_reply_p99", "Telegram reply at the Bot API (sendMessage) p99", replies, each, "extra"),
    ]


async def _updates(
    api: TimedStandIn, url: str, rate: float, seconds: float, chats: int
) -> tuple[list[float], list[float], float]:
    async with aiohttp.ClientSession() as session:

        async def send(chat: int, text: str) -> tuple[float, float]:
            arrived = api.arrived.setdefault(chat, asyncio.Event())
            arrived.clear()
            began = time.perf_counter()
            async with session.post(
                url + "/telegram/webhook",
                json=api.text_update(chat, text),
                headers={SECRET_HEADER: SECRET},
            ) as response:
                assert response.status == 200, response.status
            answered = time.perf_counter() - began
            await asyncio.wait_for(arrived.wait(), 30)
            return answered, time.perf_counter() - began

        for chat in range(1, chats + 1):  # each chat past its first turn
            await send(chat, "/start")
        await asyncio.sleep(1.1)  # Telegram's second per chat
        interval = 1 / rate
        began = time.perf_counter()
        pending = []
        for number in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, began + number * interval - time.perf_counter()))
            chat = number % chats + 1
            pending.append(asyncio.create_task(send(chat, TYPED[number // chats % len(TYPED)])))
        done = await asyncio.gather(*pending)
        return [a for a, _ in done], [r for _, r in done], time.perf_counter() - began


def measure(redis_url: str, rate: float = 25.0, seconds: float = 20.0, chats: int = 100) -> list[Figure]:
    return asyncio.run(_measure(redis_url, rate, seconds, chats))


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rate", type=float, default=25.0, help="updates per second (Telegram allows 30 replies)"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--chats", type=int, default=100)
    arguments = parser.parse_args()
    with redis_server() as redis:
        print_table(measure(redis.url, arguments.rate, arguments.seconds, arguments.chats))

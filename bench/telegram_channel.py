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
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web_chat import server_env, wait_ready  # noqa: E402
from bot.adapters.redis_server import RedisServerProcess, free_port  # noqa: E402
from bot.adapters.telegram.channel import SECRET_HEADER  # noqa: E402
from tests.helpers.bot_api import BotApiStandIn  # noqa: E402

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


def quantiles(seconds: list[float]) -> str:
    cuts = statistics.quantiles(seconds, n=100)
    return f"p50 {cuts[49] * 1000:6.1f} ms   p99 {cuts[98] * 1000:6.1f} ms"


async def main(rate: float, seconds: float, chats: int) -> None:
    api = TimedStandIn()
    await api.start()
    with tempfile.TemporaryDirectory() as folder:
        redis = RedisServerProcess(Path(folder) / "redis", port=free_port())
        redis.start()
        port = free_port()
        env = {
            **server_env(redis.url, folder),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.url,
            "TELEGRAM_WEBHOOK_URL": "https://bench.example/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.app.cli", "run", "--port", str(port), env=env, cwd=ROOT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as session:
                await wait_ready(session, url)

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
                answers: list[float] = []
                replies: list[float] = []
                interval = 1 / rate
                began = time.perf_counter()
                pending = []
                for number in range(int(rate * seconds)):
                    await asyncio.sleep(max(0.0, began + number * interval - time.perf_counter()))
                    chat = number % chats + 1
                    pending.append(asyncio.create_task(send(chat, TYPED[number // chats % len(TYPED)])))
                for answered, replied in await asyncio.gather(*pending):
                    answers.append(answered)
                    replies.append(replied)
                took = time.perf_counter() - began
            print(
                f"{len(replies)} updates to {chats} chats at {rate:g}/s offered ({len(replies) / took:.1f}/s done)"
            )
            print(f"webhook answered (update recorded)   {quantiles(answers)}")
            print(f"reply at the Bot API (sendMessage)   {quantiles(replies)}")
        finally:
            server.terminate()
            await server.wait()
            redis.stop()
            await api.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rate", type=float, default=25.0, help="updates per second (Telegram allows 30 replies)"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--chats", type=int, default=100)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rate, arguments.seconds, arguments.chats))

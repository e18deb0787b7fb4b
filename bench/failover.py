"""How long a Redis failover interrupts the web chat: 30 conversations on one `fristad run`
over a local Redis Cluster (three masters with a replica each) or Sentinel set-up (a
master, a replica, three Sentinels); a master is killed, and every conversation sends
again every 50 ms until answered. Prints the time until all were answered again and the
503s meanwhile. No budget target: docs/scale-out.md keeps the figures.

    python bench/failover.py [--runs 3] [--detection-ms 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bot.adapters.redis_server import free_port
from tests.helpers import redis_topologies
from tests.helpers.redis_topologies import LocalCluster, LocalSentinels, wait_until
from tests.helpers.two_workers import workers
from tests.scale_out.test_redis_topologies import ENV, kill_a_master, replicated, start

CONVERSATIONS = 30


async def once(kind: str) -> tuple[float, Counter[int]]:
    folder = Path(tempfile.mkdtemp(prefix="fristad-failover-"))
    local = LocalCluster(folder) if kind == "cluster" else LocalSentinels(folder)
    local.start()
    try:
        with workers(local.url, [free_port()], ENV) as (url,):
            async with aiohttp.ClientSession() as session:
                tokens = [(await start(session, url))[0] for _ in range(CONVERSATIONS)]
                wait_until(lambda: replicated(local), 10, "the replicas did not catch up")
                kill_a_master(local)
                killed, answers, waiting = time.monotonic(), Counter[int](), set(tokens)
                while waiting:
                    for token in list(waiting):
                        body = {"token": token, "choice": "safe"}
                        async with session.post(url + "/api/v1/messages", json=body) as response:
                            answers[response.status] += 1
                            if response.status == 200:
                                waiting.discard(token)
                    await asyncio.sleep(0.05)
                return time.monotonic() - killed, answers
    finally:
        local.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--detection-ms", type=int, default=redis_topologies.NODE_TIMEOUT_MS)
    args = parser.parse_args()
    redis_topologies.NODE_TIMEOUT_MS = args.detection_ms
    for kind in ("cluster", "sentinel"):
        for _ in range(args.runs):
            seconds, answers = asyncio.run(once(kind))
            print(
                f"{kind:8} detection {args.detection_ms} ms: all answered again after {seconds:.1f} s; "
                f"answers by status: {dict(sorted(answers.items()))}"
            )


if __name__ == "__main__":
    main()

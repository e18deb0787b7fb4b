"""Redis memory per idle conversation (its state, no transcript) and per transcript
message, for conversations made through the real DialogueService and store.

Measured as INFO used_memory deltas while deleting each kind of key in turn (what Redis
really gives back: the key, its value, its expiry entry and its share of the key table),
with MEMORY USAGE of the same keys as a cross-check (value and key only).

    python bench/memory.py [--conversations 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import service as built
from bench.figures import Figure
from bot.adapters.crypto import ConversationKeyer
from bot.core.dialogue import DialogueService

TARGET_BYTES = 2048
TURNS = 3  # the safety question, on, a role: an idle conversation that said something


async def _make(url: str, conversations: int) -> None:
    keyer = ConversationKeyer(os.urandom(32))  # keys as long as the real HMACs
    async with built.store(url) as store:
        service = DialogueService(built.engine(built.content()), store)
        for batch in range(0, conversations, 64):
            await asyncio.gather(
                *(
                    built.talk(service, keyer.conversation_key("web", f"token-{n}"), TURNS)
                    for n in range(batch, min(batch + 64, conversations))
                )
            )


def _keys(client: redis.Redis, part: str) -> list[bytes]:
    return list(client.scan_iter(match=f"fristad:conv:*:{part}", count=1000))


def _delete(client: redis.Redis, keys: list[bytes]) -> int:
    """Bytes Redis gave back for deleting `keys`."""
    before = int(client.info("memory")["used_memory"])
    if not keys:
        return 0
    for batch in range(0, len(keys), 1000):
        client.delete(*keys[batch : batch + 1000])
    return before - int(client.info("memory")["used_memory"])


def _usage(client: redis.Redis, keys: list[bytes]) -> float:
    sample = keys[:: max(1, len(keys) // 500)]
    return statistics.fmean(int(client.memory_usage(key, samples=0) or 0) for key in sample)


def measure(url: str, conversations: int = 10000) -> list[Figure]:
    client = redis.Redis.from_url(url)
    try:
        client.flushall()
        asyncio.run(_make(url, conversations))
        # An idle conversation's per-minute turn counts have expired (2 minutes).
        _delete(client, _keys(client, "turns"))
        states, transcripts = _keys(client, "state"), _keys(client, "transcript")
        assert len(states) == conversations, len(states)
        messages = sum(int(client.llen(key)) for key in transcripts)
        state_usage, transcript_usage = _usage(client, states), _usage(client, transcripts)
        per_message = _delete(client, transcripts) / messages
        per_conversation = _delete(client, states) / conversations
    finally:
        client.flushall()
        client.close()
    return [
        Figure(
            "memory_idle_conversation",
            "Redis memory per idle conversation (state)",
            f"< {TARGET_BYTES // 1024} KiB",
            per_conversation,
            "B",
            ratio=per_conversation / TARGET_BYTES,
            met=per_conversation < TARGET_BYTES,
            note=f"used_memory delta over {conversations:,}; MEMORY USAGE {state_usage:,.0f} B",
            group="memory",
            detail={"conversations": conversations, "memory_usage_bytes": state_usage},
        ),
        Figure(
            "memory_transcript_message",
            "Redis memory per transcript message",
            "—",
            per_message,
            "B",
            note=(
                f"used_memory delta over {messages:,} entries (one a turn: what was said and the "
                f"answer, encrypted); MEMORY USAGE "
                f"{transcript_usage / (messages / conversations):,.0f} B an entry"
            ),
            group="memory",
            detail={"messages": messages, "memory_usage_bytes_per_list": transcript_usage},
        ),
    ]


if __name__ == "__main__":
    from bench.common import redis_server
    from bench.report import print_table

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=10000)
    args = parser.parse_args()
    with redis_server() as server:
        print_table(measure(server.url, args.conversations))

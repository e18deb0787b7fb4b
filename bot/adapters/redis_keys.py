"""Every Redis key name Fristad uses, in one place.

Keys of one conversation share the hash tag `{<conversation key>}` so that they live in
one Redis Cluster slot and a script can touch them together.
"""

from __future__ import annotations

PREFIX = "fristad"


def conversation_state(conversation_key: str) -> str:
    return f"{PREFIX}:conv:{{{conversation_key}}}:state"


def conversation_transcript(conversation_key: str) -> str:
    return f"{PREFIX}:conv:{{{conversation_key}}}:transcript"


def conversation_keys(conversation_key: str) -> tuple[str, ...]:
    """All keys that belong to one conversation: what "forget me" deletes."""
    return (conversation_state(conversation_key), conversation_transcript(conversation_key))

"""Every Redis key name Fristad uses, in one place.

Keys of one conversation share the hash tag `{<conversation key>}` so that they live in
one Redis Cluster slot and a script can touch them together.
"""

from __future__ import annotations

PREFIX = "fristad"


def _conversation(conversation_key: str, part: str) -> str:
    return f"{PREFIX}:conv:{{{conversation_key}}}:{part}"


def _queue(team: str, part: str) -> str:
    return f"{PREFIX}:queue:{{{team}}}:{part}"


def conversation_state(conversation_key: str) -> str:
    return _conversation(conversation_key, "state")


def conversation_transcript(conversation_key: str) -> str:
    return _conversation(conversation_key, "transcript")


def conversation_turns(conversation_key: str) -> str:
    """Hash of turn counts per minute, for the limit on messages per minute."""
    return _conversation(conversation_key, "turns")


def conversation_notes(conversation_key: str) -> str:
    """List of a caseworker's encrypted notes about the conversation."""
    return _conversation(conversation_key, "notes")


def conversation_outbox(conversation_key: str) -> str:
    """Stream of replies that arrive later (a caseworker's answers), for the channels."""
    return _conversation(conversation_key, "outbox")


def conversation_keys(conversation_key: str) -> tuple[str, ...]:
    """All keys that belong to one conversation: what "forget me" deletes."""
    return (
        conversation_state(conversation_key),
        conversation_transcript(conversation_key),
        conversation_turns(conversation_key),
        conversation_outbox(conversation_key),
        conversation_notes(conversation_key),
    )


def notifications() -> str:
    """Pub/sub channel of wake-ups: "<topic>:<conversation key>", never any content."""
    return f"{PREFIX}:news"


def rate_window(scope: str, subject: str, window: int) -> str:
    """Counter of one subject's requests in one time window (subjects are hashes)."""
    return f"{PREFIX}:rate:{scope}:{subject}:{window}"


def queue_waiting(team: str) -> str:
    """Sorted set of a team's waiting case codes: danger first, then first come."""
    return _queue(team, "waiting")


def queue_claimed(team: str) -> str:
    """Sorted set of a team's claimed case codes, scored by when the claim runs out."""
    return _queue(team, "claimed")


def queue_waits(team: str) -> str:
    """List of how long the team's last cases waited to be claimed, in seconds."""
    return _queue(team, "waits")


def queue_case(team: str, code: str) -> str:
    """Hash of one case: its conversation key, language, topic, danger, owner. No text."""
    return _queue(team, f"case:{code}")


def statistics(day: str) -> str:
    """Hash of one day's counts (YYYY-MM-DD, UTC): names like outcome:<team>:<outcome>."""
    return f"{PREFIX}:stats:{day}"


def account(name: str) -> str:
    """Hash of a staff account: Argon2id hash, role, teams."""
    return f"{PREFIX}:account:{name}"


def session(hashed_id: str) -> str:
    """Hash of a staff session, under the SHA-256 of its id (a dump holds no usable id)."""
    return f"{PREFIX}:session:{hashed_id}"


def login_failures(scope: str, subject: str) -> str:
    """Count of failed logins in the last hour, per account or per (hashed) address.
    One hash tag for all: a login's script counts the account's and the address's together."""
    return f"{PREFIX}:{{login-failures}}:{scope}:{subject}"


def audit() -> str:
    """Stream of who did what to which case, when: never any content."""
    return f"{PREFIX}:audit"


def telegram_chat(conversation_key: str) -> str:
    """Hash of a Telegram conversation's chat: its encrypted chat id, the encrypted id
    of the message whose buttons are current, and the last outbox entry delivered."""
    return _conversation(conversation_key, "telegram")


def telegram_messages(conversation_key: str) -> str:
    """List of the encrypted ids (and send times) of every message in a Telegram chat,
    both sides: what /exit deletes."""
    return _conversation(conversation_key, "telegram-messages")


def telegram_keys(conversation_key: str) -> tuple[str, ...]:
    """The Telegram channel's keys of one conversation (chat, messages and lock first, as
    its scripts expect); it deletes them itself once it has deleted the chat's messages
    (it needs them until then, after "forget me")."""
    return (
        telegram_chat(conversation_key),
        telegram_messages(conversation_key),
        telegram_delivery_lock(conversation_key),
        telegram_pace(conversation_key),
        telegram_noted(conversation_key, "unreadable"),
        telegram_noted(conversation_key, "too-many"),
    )


def telegram_delivery_lock(conversation_key: str) -> str:
    """Held by the one worker delivering a conversation's replies, so they arrive in order."""
    return _conversation(conversation_key, "telegram-lock")


def telegram_noted(conversation_key: str, kind: str) -> str:
    """Set for a minute after a note of this kind ("unreadable": photos and the like;
    "too-many": a flood), so that many of them get one note."""
    return _conversation(conversation_key, f"telegram-noted-{kind}")


def telegram_pace(conversation_key: str) -> str:
    """When the next message may be sent to this chat (Telegram: 1 per second)."""
    return _conversation(conversation_key, "telegram-pace")


def telegram_pace_all() -> str:
    """Sorted set of the messages sent to any chat in the last window (30 at most)."""
    return f"{PREFIX}:telegram:pace"


def telegram_deliveries() -> str:
    """Stream of "conversation K has replies for Telegram", read by a consumer group."""
    return f"{PREFIX}:telegram:deliveries"


def telegram_update(update_id: int) -> str:
    """Whether a Telegram update is being handled or was handled (duplicates are skipped)."""
    return f"{PREFIX}:telegram:update:{update_id}"


def telegram_cleanups() -> str:
    """Sorted set of Telegram conversations by when their chat is due to be cleaned."""
    return f"{PREFIX}:telegram:cleanups"


def _content(part: str) -> str:
    # One hash tag: the publish script touches the draft, a version and the pointer together.
    return f"{PREFIX}:{{content}}:{part}"


def content_versions() -> str:
    """Hash: version number -> that published content set (every flow and catalogue
    file), zlib-compressed JSON. One key, so the publish script declares what it writes."""
    return _content("versions")


def content_current() -> str:
    """String: the number of the version every worker runs (absent: the shipped files)."""
    return _content("current")


def content_next() -> str:
    """Counter of version numbers."""
    return _content("next")


def content_history() -> str:
    """List of what happened to the versions (published, rolled back, imported): JSON,
    oldest first; names of admins, never content."""
    return _content("history")


def content_draft() -> str:
    """Hash of the admins' shared draft: files (JSON), revision, based_on."""
    return _content("draft")


def key_users() -> str:
    """Hash: worker id -> "<current encryption key id> <unix time>", renewed each second,
    so `fristad keys rotate` knows when every worker writes with the new key."""
    return f"{PREFIX}:keys:workers"

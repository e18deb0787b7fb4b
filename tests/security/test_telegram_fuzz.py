"""Hypothesis against the Telegram webhook of a real Fristad (aiohttp on a free port, the
suite's real Redis, python-telegram-bot talking to the local Bot API stand-in), with the
right secret: random bytes, random JSON (deep, huge numbers, NaN), update-shaped objects
whose fields have random values and types, and updates that look real with random text
and button data.

Whatever comes, the answer is 200, 400 (not an update) or 413 (too large); a wrong secret
gets 403. Never a 5xx, which is kept for the one deliberate case of an update that could
not be recorded (Redis away; not provoked here). Updates that look real are handled (200),
nothing is logged as an error, and afterwards the service still answers a person.
"""

from __future__ import annotations

import itertools
import json
import logging
import string
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.adapters.telegram.channel import MAX_UPDATE_BYTES, SECRET_HEADER
from bot.app.web import init_app
from tests.helpers.bot_api import BOT_USER, BotApiStandIn
from tests.security.test_api_schema import BackgroundLoop
from tests.telegram.conftest import SECRET, WEBHOOK_PATH, telegram_settings

MAX_EXAMPLES = 200
REAL_LOOKING = "real-looking update"
# Words of Telegram's update format, so that random objects reach deep into the parser.
FIELDS = (
    "update_id",
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
    "channel_post",
    "message_id",
    "date",
    "edit_date",
    "chat",
    "from",
    "user",
    "id",
    "type",
    "text",
    "data",
    "language_code",
    "is_bot",
    "first_name",
    "chat_instance",
    "old_chat_member",
    "new_chat_member",
    "status",
    "entities",
    "offset",
    "length",
    "reply_to_message",
    "reply_markup",
    "photo",
    "voice",
    "sticker",
)
COMMANDS = (
    "/start",
    "/exit",
    "/forget",
    "/danger",
    "/person",
    "/language",
    "/help",
    "/start@fristad_test_bot x",
    "/",
)
CHOICES = ("global:danger", "global:forget", "global:restart", "language:ar", "safe", "continue", "nonsense")
# Real-looking updates and messages are new to the service, as Telegram's are.
next_update_id = itertools.count(10**9).__next__
next_message_id = itertools.count(1).__next__

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**53, max_value=2**200) | st.integers(max_value=-(2**53), min_value=-(2**200)),
    st.floats(),  # NaN and infinities too: json.dumps writes them, json.loads reads them
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), inner, max_size=6)
    ),
    max_leaves=25,
)
update_ids = st.integers() | st.integers(min_value=2**63)
private_chats = st.sampled_from([4001, 4002, 4003]) | st.integers(min_value=1, max_value=2**52)
texts = (
    st.text(max_size=300) | st.sampled_from(COMMANDS) | st.sampled_from(("kniv", "han är här", "hjälp", "ja"))
)


def dumped(value: Any) -> bytes:
    return json.dumps(value).encode()


def message(chat_id: int, content: dict[str, Any], language: str | None = "sv") -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "A"}
    if language is not None:
        user["language_code"] = language
    return {
        "message_id": next_message_id(),
        "date": 1_790_000_000,
        "chat": {"id": chat_id, "type": "private"},
        "from": user,
        **content,
    }


@st.composite
def real_looking_updates(draw: st.DrawFn) -> dict[str, Any]:
    """Updates as Telegram sends them, with random text, button data, languages and
    unknown extra fields (Telegram adds fields over time)."""
    chat_id = draw(private_chats)
    language = draw(
        st.none() | st.sampled_from(("sv", "en", "ar", "fa", "uk", "zh-hans")) | st.text(max_size=12)
    )
    extra = draw(
        st.dictionaries(
            # Named so that no field the library parses can be drawn ("document": [] was,
            # and an update Telegram never sends was then expected to be answered 200).
            st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12).map(
                lambda name: f"future_{name}"
            ),
            json_values,
            max_size=3,
        )
    )
    kind = draw(st.sampled_from(("text", "text", "button", "edited", "photo")))
    if kind == "button":
        body: dict[str, Any] = {
            "callback_query": {
                "id": str(chat_id),
                "from": message(chat_id, {}, language)["from"],
                "chat_instance": str(chat_id),
                "data": draw(st.sampled_from(CHOICES) | st.text(max_size=64)),
                "message": {**message(chat_id, {}), "from": BOT_USER},
            }
        }
    elif kind == "edited":
        body = {
            "edited_message": {
                **message(chat_id, {"text": draw(texts)}, language),
                "edit_date": 1_790_000_001,
            }
        }
    elif kind == "photo":
        body = {
            "message": message(
                chat_id,
                {"photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}]},
                language,
            )
        }
    else:
        body = {"message": {**message(chat_id, {"text": draw(texts)}, language), **extra}}
    return {"update_id": next_update_id(), **body}


@st.composite
def update_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """An update id and the usual fields, but with random values of random types."""
    update: dict[str, Any] = {"update_id": draw(update_ids)}
    for field in draw(
        st.lists(
            st.sampled_from(
                ("message", "edited_message", "callback_query", "my_chat_member", "channel_post")
            ),
            max_size=2,
        )
    ):
        update[field] = draw(json_values)
    return update


@st.composite
def messages_with_random_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A real message whose fields are in part replaced by random values."""
    base = message(draw(private_chats), {"text": draw(texts)})
    changed = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1, max_size=4))
    if draw(st.booleans()):
        base["chat"] = {
            **base["chat"],
            **draw(st.dictionaries(st.sampled_from(("id", "type", "title")), json_values, min_size=1)),
        }
    return {"update_id": draw(update_ids), "message": {**base, **changed}}


def paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The path of every value inside a JSON value, the value itself first."""
    found = [path]
    if isinstance(value, dict):
        for name, inner in value.items():
            found += paths(inner, (*path, name))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*path, index))
    return found


def replaced(value: Any, path: tuple[str | int, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], tuple(rest), new)}
    return [replaced(inner, tuple(rest), new) if i == head else inner for i, inner in enumerate(value)]


@st.composite
def updates_with_a_wrong_field(draw: st.DrawFn) -> dict[str, Any]:
    """A real-looking update with one field, at any depth, replaced by a random value
    (mostly of another type: a string for a chat id, a number for a text, ...)."""
    update = draw(real_looking_updates())
    path = draw(st.sampled_from(paths(update)[1:]))
    result: dict[str, Any] = replaced(update, path, draw(json_values))
    return result


def nested(depth: int, open_: bytes, close: bytes) -> bytes:
    return open_ * depth + b"1" + close * depth


bodies = st.one_of(
    st.tuples(st.just("random bytes"), st.binary(max_size=600)),
    st.tuples(st.just("random JSON"), json_values.map(dumped)),
    st.tuples(st.just("update-shaped"), update_shaped().map(dumped)),
    st.tuples(st.just("message with random fields"), messages_with_random_fields().map(dumped)),
    st.tuples(st.just("update with a wrong field"), updates_with_a_wrong_field().map(dumped)),
    st.tuples(st.just("update with a wrong field"), updates_with_a_wrong_field().map(dumped)),
    st.tuples(
        st.just("deep nesting"),
        st.builds(
            lambda depth, kind, inside: (
                (b'{"update_id": 7, "message": ' if inside else b"")
                + nested(depth, *kind)
                + (b"}" if inside else b"")
            ),
            st.integers(1, 200_000),
            st.sampled_from(((b"[", b"]"), (b'{"a":', b"}"), (b'{"message":', b"}"))),
            st.booleans(),
        ),
    ),
    st.tuples(
        st.just("huge body"),
        st.integers(MAX_UPDATE_BYTES - 64, MAX_UPDATE_BYTES + 4096).map(
            lambda size: b'{"update_id": 8, "x": "' + b"a" * size + b'"}'
        ),
    ),
    st.tuples(st.just(REAL_LOOKING), real_looking_updates().map(dumped)),
    st.tuples(st.just(REAL_LOOKING), real_looking_updates().map(dumped)),  # twice as often
)


def test_the_webhook_answers_any_body_without_a_server_error(
    redis_server: RedisServerProcess,
    shipped_content: Content,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    counts: Counter[str] = Counter()
    api = BotApiStandIn()
    with BackgroundLoop() as loop, requests.Session() as http:
        loop.run(api.start())
        loop.later(api.close)
        url = loop.serve(init_app(telegram_settings(redis_server.url, tmp_path, api), shipped_content))

        def post(body: bytes, secret: str = SECRET) -> int:
            response = http.post(
                f"{url}{WEBHOOK_PATH}", data=body, headers={SECRET_HEADER: secret}, timeout=30
            )
            return response.status_code

        @given(kind_and_body=bodies)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        def answered_without_a_server_error(kind_and_body: tuple[str, bytes]) -> None:
            kind, body = kind_and_body
            status = post(body)
            assert status == 200 if kind == REAL_LOOKING else status in (200, 400, 413), (kind, status)
            counts[f"{kind} -> {status}"] += 1
            counts["examples"] += 1

        answered_without_a_server_error()

        # Still there, and still strict: a wrong secret is refused, a person is answered
        # with the safety check and the danger button.
        assert http.get(f"{url}/healthz", timeout=10).status_code == 200
        start = dumped({"update_id": next_update_id(), "message": message(4999, {"text": "/start"})})
        assert post(start, secret=SECRET[::-1]) == 403
        assert post(start) == 200
        answer = loop.run(api.wait_for_bot_messages(4999, 1))[-1]
        assert "global:danger" in [data for _, data in answer.buttons]
    print(f"telegram fuzz: {dict(sorted(counts.items()))}")  # the numbers for the security notes
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert counts["examples"] >= MAX_EXAMPLES
    assert sum(n for name, n in counts.items() if name.startswith(REAL_LOOKING)) >= MAX_EXAMPLES // 20

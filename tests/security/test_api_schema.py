"""Schemathesis against the web chat's own OpenAPI document, served by a real Fristad
(aiohttp on a free port, the suite's real Redis): every operation, with data that fits
the document and data that does not. No answer may be a 5xx, and every answer must be
one the document lists, with a body of the documented schema and content type.

Part of the requests use a token of a live conversation (started through the API), so
that turns are taken and not only refused as unknown tokens.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from bot.adapters.content_files import Content
from bot.adapters.redis_server import RedisServerProcess
from bot.app.settings import Settings
from bot.app.web import init_app
from tests.conftest import key_env

T = TypeVar("T")
EXAMPLES_PER_OPERATION = 100
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = [
    "POST /api/v1/conversations",
    "POST /api/v1/messages",
    "POST /api/v1/exit",
    "GET /api/v1/events",
]
# Requests made per operation ("POST /api/v1/messages") and how they were answered.
COUNTS: Counter[str] = Counter()


class BackgroundLoop:
    """An event loop in its own thread, serving aiohttp applications on free ports, so
    that blocking clients (Schemathesis uses requests) and Hypothesis's blocking test
    functions can talk to them while their background tasks go on as in production."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="served-apps", daemon=True)
        self._cleanups: list[Callable[[], Awaitable[None]]] = []

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def later(self, cleanup: Callable[[], Awaitable[None]]) -> None:
        """Run `cleanup` in the loop at the end, before what was started earlier."""
        self._cleanups.append(cleanup)

    def serve(self, app: web.Application) -> str:
        """Start the app (its startup and cleanup contexts run in the loop); its URL."""
        runner = web.AppRunner(app)
        self.run(runner.setup())
        self.later(runner.cleanup)
        self.run(web.TCPSite(runner, "127.0.0.1", 0).start())
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> BackgroundLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            for cleanup in reversed(self._cleanups):
                self.run(_awaited(cleanup))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()


async def _awaited(cleanup: Callable[[], Awaitable[None]]) -> None:
    await cleanup()


@pytest.fixture(scope="module")
def web_chat_url(
    redis_server: RedisServerProcess, shipped_content: Content, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    env = {
        **key_env(),
        "REDIS_URL": redis_server.url,
        "FRISTAD_DATA_DIR": str(tmp_path_factory.mktemp("api-schema")),
        # Every request comes from one address here: let them all start conversations.
        "FRISTAD_WEB_CONVERSATIONS_PER_MINUTE": "100000",
    }
    with BackgroundLoop() as loop:
        yield loop.serve(init_app(Settings.from_env(env), shipped_content))
    print(f"schemathesis requests: {dict(sorted(COUNTS.items()))}")  # for the security notes


@pytest.fixture(scope="module")
def web_chat_schema(web_chat_url: str) -> BaseSchema:
    config = SchemathesisConfig.from_dict(
        {
            "base-url": web_chat_url,
            # Data that breaks the document is refused as bad (400) or, past the body
            # limit, too large (413): never taken, never a server error.
            "checks": {"negative_data_rejection": {"expected-statuses": [400, 413]}},
        }
    )
    return schemathesis.openapi.from_url(f"{web_chat_url}/api/openapi.json", config=config, timeout=10)


def live_token(base_url: str) -> str:
    response = requests.post(f"{base_url}/api/v1/conversations", json={"language": "sv"}, timeout=10)
    assert response.status_code == 201
    token: str = response.json()["token"]
    return token


def test_the_document_lists_every_operation_of_the_api(web_chat_schema: BaseSchema) -> None:
    operations = {result.ok().label for result in web_chat_schema.get_all_operations()}
    assert operations == set(OPERATIONS)


# Schemathesis's pytest integration for a schema from a fixture (`from_fixture`) does
# not run under pytest 9.2 (it sets `Function._nodeid`, which pytest removed), so each
# operation is tested with its Hypothesis strategy (`as_strategy`), which is the same
# generation: data that fits the document (positive) and data that does not (negative).
@pytest.mark.parametrize(
    ("label", "mode"),
    [(label, GenerationMode.POSITIVE) for label in OPERATIONS]
    # The WebSocket's GET takes no parameters and no body: there is nothing to break.
    + [(label, GenerationMode.NEGATIVE) for label in OPERATIONS if not label.startswith("GET")],
    ids=str,
)
def test_every_operation_answers_as_its_document_says(
    web_chat_schema: BaseSchema, web_chat_url: str, label: str, mode: GenerationMode
) -> None:
    method, path = label.split(" ")
    operation = web_chat_schema[path][method]
    examples = Counter[str]()

    @given(case=operation.as_strategy(generation_mode=mode), live=st.sampled_from((True, True, False)))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def answers_as_documented(case: Case, live: bool) -> None:
        body = case.body
        # Data that fits the document, with a token the service issued: a real turn.
        if (
            live
            and mode is GenerationMode.POSITIVE
            and isinstance(body, dict)
            and isinstance(body.get("token"), str)
        ):
            body["token"] = live_token(web_chat_url)
        response = case.call_and_validate(checks=CHECKS, timeout=10)
        examples[str(response.status_code)] += 1

    answers_as_documented()
    COUNTS[f"{label} {mode}"] = sum(examples.values())
    for status, count in examples.items():
        COUNTS[f"{label} {mode} -> {status}"] = count
    # It ran: many cases, but an operation without parameters or body has only a few.
    assert sum(examples.values()) >= (EXAMPLES_PER_OPERATION // 2 if operation.body.items else 1)

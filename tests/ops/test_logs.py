"""Structured logs (issue 10, point 3; SAFETY rule 11): a real `fristad run` process with
FRISTAD_LOG_FORMAT=json at DEBUG prints one JSON object per line, carries the request id
of the X-Request-Id header on the lines of that request, and prints none of what the
person typed, their token, conversation key, case code or address. A bad format is
refused. Exceptions are logged by type and traceback, never by message."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.adapters.crypto import ConversationKeyer, decode_key
from bot.adapters.redis_server import RedisServerProcess, free_port
from bot.app.logging_setup import TEXT_FORMAT, JsonFormatter, NoClientAddress, TextFormatter
from bot.app.request_ids import HEADER, RequestIdFilter, _current
from bot.core.handoff import case_code
from bot.errors import StoreError
from tests.conftest import key_env
from tests.helpers.content import ROOT
from tests.helpers.two_workers import wait_ready

TYPED = "kanariefågel-4711"  # what the person writes
ADDRESS = "203.0.113.47"  # the person's address, as the (trusted) proxy passes it on
REQUEST_ID = re.compile(r"^[0-9a-f]{12}$")


def environment(**changes: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FRISTAD_", "TELEGRAM_", "REDIS_"))}
    return {**base, **changes}


@pytest.fixture
def json_process(
    redis_server: RedisServerProcess, tmp_path: Path
) -> Iterator[tuple[str, dict[str, str], Path]]:
    """`fristad run` logging JSON at DEBUG; its URL, keys and the file of its stderr."""
    keys = key_env()
    env = environment(
        **keys,
        REDIS_URL=redis_server.url,
        FRISTAD_DATA_DIR=str(tmp_path / "data"),
        FRISTAD_LOG_FORMAT="json",
        FRISTAD_LOG_LEVEL="DEBUG",
        FRISTAD_TRUSTED_PROXIES="127.0.0.1",
    )
    port = free_port()
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(url, process)
            yield url, keys, stderr
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)


async def converse(url: str) -> tuple[str, dict[str, int]]:
    """A person starts, answers, writes, asks for a person, sends a message far too long,
    and someone posts with a token nobody has. The token; request id -> status."""
    ids: dict[str, int] = {}
    headers = {"X-Forwarded-For": ADDRESS, HEADER: "injected-by-the-client"}
    async with aiohttp.ClientSession(base_url=url, headers=headers) as person:

        async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            async with person.post(path, json=body) as response:
                request_id = response.headers[HEADER]
                assert REQUEST_ID.match(request_id), request_id  # ours, not the client's
                ids[request_id] = response.status
                return dict(await response.json())

        token = str((await post("/api/v1/conversations", {"language": "sv"}))["token"])
        for body in (
            {"choice": "safe"},
            {"text": TYPED},
            {"choice": "global:person"},
            {"text": TYPED * 1000},
            {"text": f"{TYPED} igen"},
        ):
            await post("/api/v1/messages", {"token": token, **body})
        unknown = "A" * 43
        await post("/api/v1/messages", {"token": unknown, "text": TYPED})
        async with person.get("/healthz") as health:
            assert REQUEST_ID.match(health.headers[HEADER])
    statuses = sorted(ids.values())
    assert {201, 200, 400, 404} == set(statuses), statuses
    assert len(ids) == 7  # a new id for every request
    return token, ids


async def test_json_logs_hold_no_personal_data_and_carry_request_ids(
    json_process: tuple[str, dict[str, str], Path],
) -> None:
    url, keys, stderr = json_process
    token, ids = await converse(url)
    keyer = ConversationKeyer(decode_key(keys["FRISTAD_HMAC_KEY"], "HMAC key"))
    key = keyer.conversation_key("web", token)
    async with (
        aiohttp.ClientSession(base_url=url) as stranger,
        stranger.get(f"/console/cases/support/{case_code(key)}", allow_redirects=False) as case,
    ):
        ids[case.headers[HEADER]] = case.status  # the case page's path holds the case code
    await _flush_wait()
    raw = stderr.read_bytes().decode()
    lines = [line for line in raw.split("\n") if line]
    assert lines, "the process printed nothing"
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", entry["time"]), entry
    forbidden = {
        "typed text": [TYPED, TYPED.upper(), json.dumps(TYPED).strip('"'), "kanarief"],
        "token": [token],
        "conversation key": [key],
        "case code": [case_code(key)],
        "address": [ADDRESS],
        "client's request id": ["injected-by-the-client"],
    }
    for name, forms in forbidden.items():
        for form in forms:
            assert form not in raw, name
            for entry in entries:
                assert form not in entry["message"], name
    assert all(REQUEST_ID.match(e["request_id"]) for e in entries if "request_id" in e)
    handled = {  # request id -> the line saying how its request was answered
        e["request_id"]: e["message"]
        for e in entries
        if e["logger"] == "bot.app.request_ids" and "request_id" in e
    }
    for request_id, status in ids.items():  # each response's header names its lines
        assert request_id in handled, request_id
        assert handled[request_id].endswith(f": {status} in {handled[request_id].split()[-2]} ms")
    assert sum("POST /api/v1/messages:" in handled[i] for i in ids) == 6
    assert any("GET /console/cases/{team}/{code}:" in handled[i] for i in ids)


async def _flush_wait() -> None:
    await asyncio.sleep(0.3)  # the last lines of the last request


def test_an_unknown_log_format_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "run", "--port", str(free_port())],
        env=environment(FRISTAD_LOG_FORMAT="xml", FRISTAD_DATA_DIR=str(tmp_path)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "FRISTAD_LOG_FORMAT='xml': give text or json" in result.stderr


# --- the formatters, in this process ---------------------------------------------------


REDIS_ADDRESS = "10.0.0.5:6379"


def record_of_a_store_failure(message: str) -> logging.LogRecord:
    """A StoreError from a Redis error, their messages holding an address and `message`
    (the traceback shows this code, so neither is written in the raising lines)."""
    try:
        try:
            raise RedisConnectionError(f"Error connecting to {REDIS_ADDRESS}: {message}")
        except RedisConnectionError as err:
            raise StoreError(f"could not store {message}") from err
    except StoreError:
        return logging.getLogger("bot.test").makeRecord(
            "bot.test", logging.ERROR, __file__, 1, "web chat: the store failed", (), sys.exc_info()
        )


def test_exceptions_are_logged_by_type_and_traceback_never_by_message() -> None:
    record = record_of_a_store_failure(TYPED)
    token = _current.set("0123456789ab")
    try:
        RequestIdFilter().filter(record)
    finally:
        _current.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "0123456789ab"
    assert entry["exception"] == "bot.errors.StoreError"
    assert entry["exception_chain"] == ["redis.exceptions.ConnectionError", "bot.errors.StoreError"]
    assert "Traceback (most recent call last)" in entry["traceback"]
    assert "record_of_a_store_failure" in entry["traceback"]  # where it happened
    fresh = record_of_a_store_failure(TYPED)
    text = TextFormatter(TEXT_FORMAT).format(fresh)
    assert "redis.exceptions.ConnectionError (message not logged)" in text
    for shown in (json.dumps(entry), text):
        assert "kanarie" not in shown
        assert REDIS_ADDRESS not in shown


def test_aiohttp_does_not_log_the_client_address() -> None:
    record = logging.getLogger("aiohttp.server").makeRecord(
        "aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s", (ADDRESS,), None
    )
    NoClientAddress().filter(record)
    assert record.getMessage() == "Error handling request"


def test_outside_requests_there_is_no_request_id() -> None:
    record = logging.getLogger("bot.test").makeRecord(
        "bot.test", logging.INFO, __file__, 1, "deliveries", (), None
    )
    RequestIdFilter().filter(record)
    assert "request_id" not in json.loads(JsonFormatter().format(record))

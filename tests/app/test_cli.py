"""The `fristad` command as a person runs it: a real process, real Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis as redis_sync
from redis.asyncio import Redis

from bot.adapters.redis_server import RedisServerProcess, free_port
from tests.conftest import key_env
from tests.helpers.content import ROOT

FRISTAD = str(Path(sys.executable).parent / "fristad")


def environment(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRISTAD_") and k != "REDIS_URL"}
    return {**env, **changes}


def fristad(
    *args: str, env: dict[str, str], stdin: str = "", timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRISTAD, *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout
    )


def wait_ready(port: int, process: subprocess.Popen[str], timeout: float = 15) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise AssertionError("fristad run did not become ready")


def test_run_with_embedded_redis_and_development_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    process = subprocess.Popen(
        [FRISTAD, "run", "--port", str(port)],
        env=environment(FRISTAD_DATA_DIR=str(data)), cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_ready(port, process)
        socket_path = data / "redis.sock"
        assert socket_path.exists()
        assert redis_sync.Redis(unix_socket_path=str(socket_path)).ping()
        keys_file = data / "development-keys.json"
        assert keys_file.stat().st_mode & 0o777 == 0o600
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "DEVELOPMENT KEYS IN USE" in stderr
    assert not socket_path.exists()  # the embedded Redis stopped with it
    assert (data / "redis" / "appendonly.aof").exists()  # and kept its data on disk


def test_run_refuses_an_invalid_flow_and_says_why(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    flow = tmp_path / "flows" / "main.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("goto: not_safe", "goto: nowhere"), encoding="utf-8"
    )
    result = fristad(
        "run", env=environment(FRISTAD_FLOWS_DIR=str(tmp_path / "flows"), FRISTAD_DATA_DIR=str(tmp_path))
    )
    assert result.returncode == 1
    assert "Fristad cannot start: the content is invalid." in result.stderr
    assert f"{flow}: states.welcome.options[1].goto: leads to the unknown state 'nowhere'" in result.stderr


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"FRISTAD_HMAC_KEY": key_env()["FRISTAD_HMAC_KEY"]}, "FRISTAD_ENCRYPTION_KEYS is not"),
        ({"FRISTAD_ENCRYPTION_KEYS": key_env()["FRISTAD_ENCRYPTION_KEYS"]}, "FRISTAD_HMAC_KEY is not"),
        ({**key_env(), "FRISTAD_HMAC_KEY": "c2hvcnQ="}, "FRISTAD_HMAC_KEY must be 32 bytes"),
        ({**key_env(), "FRISTAD_ENCRYPTION_KEYS": "k1"}, "must look like 'id:base64key"),
        ({"FRISTAD_CONVERSATION_TTL_DAYS": "a month"}, "is not a whole number"),
        ({"FRISTAD_CONVERSATION_TTL_DAYS": "0"}, "must be between 1 and 3650 days"),
        ({"FRISTAD_CONVERSATION_TTL_DAYS": "99999999"}, "must be between 1 and 3650 days"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL is set but no keys are"),
        ({"FRISTAD_LOG_LEVEL": "LOUD"}, "is not a log level"),
        ({"FRISTAD_HMAC_KEY_FILE": "/nonexistent/key"}, "FRISTAD_HMAC_KEY_FILE cannot be read"),
    ],
)
def test_wrong_configuration_stops_start_up_with_a_clear_error(
    tmp_path: Path, changes: dict[str, str], reason: str
) -> None:
    result = fristad("run", env=environment(FRISTAD_DATA_DIR=str(tmp_path), **changes))
    assert result.returncode == 1
    assert reason in result.stderr
    assert not (tmp_path / "redis.sock").exists()


async def test_chat_can_be_scripted_through_a_pipe(
    redis_server: RedisServerProcess, redis: Redis, tmp_path: Path
) -> None:
    env = environment(REDIS_URL=redis_server.url, FRISTAD_DATA_DIR=str(tmp_path), **key_env())
    result = fristad("chat", env=env, stdin="1\n1\n1\nhan har en kniv\n/language\nEnglish\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Innan vi börjar: kan du skriva säkert just nu" in out
    assert "  1) Ja, det är säkert" in out
    assert "Om någon kommer kan du lämna snabbt." in out  # 1: it is safe; quick exit explained
    assert "Det som händer dig är inte ditt fel." in out  # 1: continue, 1: "I am being hurt"
    assert "Ring 112 nu om du eller någon annan är i fara" in out  # danger words
    assert "Say the name of your language in Swedish or English" in out  # after switching to English
    # The trial conversation is deleted when the chat ends.
    assert [key async for key in redis.scan_iter(match="*")] == []


def test_chat_starts_in_the_language_asked_for(redis_server: RedisServerProcess, tmp_path: Path) -> None:
    env = environment(REDIS_URL=redis_server.url, FRISTAD_DATA_DIR=str(tmp_path), **key_env())
    result = fristad("chat", "--lang", "en", env=env, stdin="/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Before we start: can you write safely right now" in result.stdout

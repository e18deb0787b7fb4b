"""docker-compose.yml and the Dockerfile: Compose accepts the file, and what it resolves to
is a Fristad that runs as a user that is not root, next to a Redis that keeps its data.

Checked with `docker compose config` (or `docker-compose config` without the plugin),
which needs no Docker daemon; scripts/test installs the tool when it is missing. Nothing
is built or started here.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.adapters.crypto import decode_key, parse_key_ring
from bot.app.settings import ENVIRONMENT
from tests.helpers.content import ROOT

SECRETS = ("redis_password", "fristad_encryption_keys", "fristad_hmac_key")


def compose_command() -> list[str]:
    if configured := os.environ.get("FRISTAD_COMPOSE"):
        return shlex.split(configured)
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return [docker, "compose"]
    if legacy := shutil.which("docker-compose"):
        return [legacy]
    pytest.fail(
        "checking docker-compose.yml needs `docker compose` (the Compose plugin) or `docker-compose`: "
        "scripts/test installs Debian's docker-compose when it can, or run `sudo apt-get install "
        "docker-compose` (or set FRISTAD_COMPOSE to a compose command)"
    )


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def example_secrets(folder: Path) -> None:
    """The secret files, made the way deploy/secrets/README.md says (throwaway values)."""
    folder.mkdir(parents=True)
    (folder / "fristad_encryption_keys").write_text(f"k1:{key()}\n")
    (folder / "fristad_hmac_key").write_text(f"{key()}\n")
    (folder / "redis_password").write_text(f"{secrets.token_urlsafe(32)}\n")


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`compose config` on a copy of the project's compose files, with example secrets."""
    command = compose_command()
    project = tmp_path_factory.mktemp("compose")
    for name in ("docker-compose.yml", "Dockerfile", ".dockerignore"):
        shutil.copy(ROOT / name, project / name)
    example_secrets(project / "deploy" / "secrets")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    result = subprocess.run(
        [*command, "--project-directory", str(project), "-f", str(project / "docker-compose.yml"), "config"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"{shlex.join(command)} config refused docker-compose.yml:\n{result.stderr}"
    )
    config = yaml.safe_load(result.stdout)
    assert isinstance(config, dict)
    return config


def text(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> named volume, from the short (v1) or long (v2) form."""
    found = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *_ = volume.split(":")
            found[target] = source
        elif volume.get("type", "volume") == "volume":
            found[volume["target"]] = volume["source"]
    return found


def secret_names(service: dict[str, Any]) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}


def test_redis_keeps_its_data_and_needs_a_password(resolved: dict[str, Any]) -> None:
    redis = resolved["services"]["redis"]
    assert str(redis["image"]).startswith("redis:7")
    command = text(redis["command"])
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    assert re.search(r'--requirepass "?\$+\(cat /run/secrets/redis_password\)', command), command
    assert "redis_password" in secret_names(redis)
    assert mounts(redis).get("/data") in resolved["volumes"], "Redis's /data must be a named volume"
    assert redis["restart"] == "unless-stopped"
    check = text(redis["healthcheck"]["test"])
    assert "redis-cli ping" in check
    assert "REDISCLI_AUTH" in check
    assert "/run/secrets/redis_password" in check


def test_fristad_takes_its_keys_and_redis_password_from_secrets(resolved: dict[str, Any]) -> None:
    fristad = resolved["services"]["fristad"]
    env = fristad["environment"]
    used = secret_names(fristad)
    assert set(SECRETS) <= used
    assert env["FRISTAD_ENCRYPTION_KEYS_FILE"] == "/run/secrets/fristad_encryption_keys"
    assert env["FRISTAD_HMAC_KEY_FILE"] == "/run/secrets/fristad_hmac_key"
    assert env["REDIS_PASSWORD_FILE"] == "/run/secrets/redis_password"  # read by the image's entry point
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert str(env["FRISTAD_WORKERS"]) == "2"
    assert "FRISTAD_ENCRYPTION_KEYS" not in env
    assert "FRISTAD_HMAC_KEY" not in env
    settings_source = (ROOT / "bot" / "app" / "settings.py").read_text(encoding="utf-8")
    for name in env:
        if name.startswith(("FRISTAD_", "REDIS_URL", "TELEGRAM_")):
            base = name.removesuffix("_FILE")
            assert base in ENVIRONMENT, f"{name} is not a Fristad setting"
            if name.endswith("_FILE"):
                assert name in settings_source or f'_secret(env, "{base}")' in settings_source, name
    for name in SECRETS:
        assert Path(resolved["secrets"][name]["file"]).parts[-3:] == ("deploy", "secrets", name)


def test_fristad_waits_for_redis_and_restarts(resolved: dict[str, Any]) -> None:
    fristad = resolved["services"]["fristad"]
    assert fristad["depends_on"]["redis"]["condition"] == "service_healthy"
    assert fristad["restart"] == "unless-stopped"
    assert "/readyz" in text(fristad["healthcheck"]["test"])
    assert {(str(p["published"]), str(p["target"])) for p in fristad["ports"]} == {("8080", "8080")}
    assert mounts(fristad).get("/data") in resolved["volumes"]
    assert str(fristad.get("user", "fristad")) not in {"root", "0", "0:0"}, (
        "compose must not run Fristad as root"
    )


def final_stage(dockerfile: str) -> str:
    return re.split(r"(?m)^FROM ", dockerfile)[-1]


def test_the_image_is_slim_and_runs_fristad_as_a_user_that_is_not_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^FROM ", dockerfile)) >= 2, "build wheels in a stage of their own"
    final = final_stage(dockerfile)
    assert final.startswith("python:3.11-slim")
    assert not re.search(r"build-essential|gcc|\bmake\b|apt-get install", final), (
        "no build tools in the image"
    )
    users = re.findall(r"(?m)^USER\s+(\S+)", final)
    assert users, "the final stage must set USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert re.search(r"(?m)^HEALTHCHECK .*\n?.*urllib\.request.*/readyz", final)
    assert '"fristad", "run", "--host", "0.0.0.0", "--port", "8080"' in final
    for folder in ("flows", "locales", "config"):
        assert re.search(rf"(?m)^COPY {folder} ", final), f"{folder}/ must be in the image"
    assert re.search(r'(?m)^VOLUME \["/data"\]', final)
    assert "FRISTAD_DATA_DIR=/data" in final


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "var", "node_modules", "artifacts", ".git", "deploy/secrets"} <= ignored
    assert {".pytest_cache", ".mypy_cache", ".ruff_cache"} <= ignored
    gitignore = (ROOT / "deploy" / "secrets" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert [line for line in gitignore if not line.startswith("#")][:3] == ["*", "!.gitignore", "!README.md"]


def test_the_secrets_readme_makes_keys_fristad_accepts(tmp_path: Path) -> None:
    readme = (ROOT / "deploy" / "secrets" / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"(?m)^(python3 -c .*) > (deploy/secrets/\w+)$", readme)
    assert {target.split("/")[-1] for _, target in commands} == set(SECRETS)
    made = {}
    for command, target in commands:
        result = subprocess.run(command, shell=True, capture_output=True, text=True, check=True)
        made[target.split("/")[-1]] = result.stdout.strip()
    current, ring = parse_key_ring(made["fristad_encryption_keys"])
    assert current == "k1"
    assert len(ring["k1"]) == 32
    assert len(decode_key(made["fristad_hmac_key"], "FRISTAD_HMAC_KEY")) == 32
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", made["redis_password"])


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("redis://redis:6379/0", "abc_DEF-123", "redis://:abc_DEF-123@redis:6379/0"),
        ("rediss://r.example:6380/1", "x.y~z", "rediss://:x.y~z@r.example:6380/1"),
        ("redis://redis:6379/0", "has space", None),
        ("redis://:old@redis:6379/0", "abc", None),
    ],
)
def test_the_entry_point_puts_the_redis_password_into_redis_url(
    tmp_path: Path, url: str, password: str, expected: str | None
) -> None:
    secret = tmp_path / "redis_password"
    secret.write_text(password + "\n")
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "docker" / "entrypoint.sh"), "sh", "-c", 'printf %s "$REDIS_URL"'],
        env={"PATH": os.environ["PATH"], "REDIS_URL": url, "REDIS_PASSWORD_FILE": str(secret)},
        capture_output=True,
        text=True,
        check=False,
    )
    if expected is None:
        assert result.returncode != 0
        assert "fristad-entrypoint:" in result.stderr
        assert password not in result.stderr
    else:
        assert (result.returncode, result.stdout) == (0, expected)

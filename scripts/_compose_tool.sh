# Sourced by scripts/test: tests/ops/test_compose.py checks docker-compose.yml with
# `docker compose config` (the Compose plugin) or, without it, `docker-compose config`
# (Debian's docker-compose package, installed here when missing and possible). Neither
# needs a running Docker daemon. The test never skips without them.
set -euo pipefail

if ! { command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; } &&
  ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's docker-compose to check docker-compose.yml ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's docker-compose to check docker-compose.yml ..." >&2
    sudo -n apt-get update -qq
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  else
    echo "The Docker Compose test needs \`docker compose\` (the Compose plugin) or \`docker-compose\`:" >&2
    echo "  sudo apt-get install docker-compose" >&2
    echo "or install Docker's docker-compose-plugin." >&2
    exit 1
  fi
fi

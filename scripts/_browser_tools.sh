# Sourced by scripts/test: what the browser tests need besides Python packages, installed
# when missing and possible, otherwise a clear message. The tests never skip without them.
set -euo pipefail

chromium="${FRISTAD_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's chromium for the browser tests ..." >&2
    sudo -n apt-get update -qq
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium at $chromium: install Debian's package with" >&2
    echo "  sudo apt-get install chromium" >&2
    echo "or set FRISTAD_CHROMIUM to a Chromium or Chrome binary." >&2
    exit 1
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core (package.json) for the accessibility tests ..." >&2
    npm ci --no-audit --no-fund --silent
  else
    echo "The accessibility tests need axe-core from npm: install Node.js and npm, then run" >&2
    echo "  npm ci" >&2
    exit 1
  fi
fi

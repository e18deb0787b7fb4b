#!/bin/sh
# Entry point of the Fristad image. Fristad reads REDIS_URL from the environment only;
# with REDIS_PASSWORD_FILE set (a container secret, as in docker-compose.yml) this puts
# the password from that file into REDIS_URL (redis://host:6379/0 becomes
# redis://:PASSWORD@host:6379/0), so the password lives in one secret file that Redis
# reads too. Then it runs the command (by default `fristad run --host 0.0.0.0 --port 8080`).
set -eu

if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
  if [ ! -r "$REDIS_PASSWORD_FILE" ]; then
    echo "fristad-entrypoint: REDIS_PASSWORD_FILE=$REDIS_PASSWORD_FILE cannot be read" >&2
    exit 1
  fi
  password="$(tr -d '\r\n' < "$REDIS_PASSWORD_FILE")"
  case "$password" in
    "" | *[!A-Za-z0-9._~-]*)
      echo "fristad-entrypoint: the Redis password in $REDIS_PASSWORD_FILE must be non-empty and use only" >&2
      echo "letters, digits, '.', '_', '~' or '-' (make one as deploy/secrets/README.md says)" >&2
      exit 1
      ;;
  esac
  case "${REDIS_URL:-}" in
    redis://*@* | rediss://*@*)
      echo "fristad-entrypoint: REDIS_URL already holds credentials; unset REDIS_PASSWORD_FILE" >&2
      exit 1
      ;;
    redis://* | rediss://*)
      REDIS_URL="${REDIS_URL%%://*}://:${password}@${REDIS_URL#*://}"
      export REDIS_URL
      ;;
    *)
      echo "fristad-entrypoint: REDIS_PASSWORD_FILE needs REDIS_URL=redis://host:port/db (or rediss://)" >&2
      exit 1
      ;;
  esac
  unset password
fi

exec "$@"

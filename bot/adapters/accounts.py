"""Staff accounts (caseworkers, supervisors, admins) and their sessions, in Redis
(SAFETY rules 12 and 14). Passwords are hashed with Argon2id; sessions are random ids
kept only as hashes; failed logins slow down and then lock the account for a while."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.errors import ConfigError, StoreError

Role = Literal["caseworker", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("caseworker", "supervisor", "admin")
ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}\Z")
MIN_PASSWORD_LENGTH = 12

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 3600
# Failed logins: from the fourth on, each waits twice as long as the last (at most 8 s);
# the tenth within an hour locks the account for the rest of that hour.
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 8.0
LOCK_AFTER_FAILURES = 10
FAILURE_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    teams: tuple[str, ...]

    @property
    def supervises(self) -> bool:
        """Sees every case of their teams and may reassign a colleague's (SAFETY rule 15)."""
        return self.role != "caseworker"


@dataclass(frozen=True)
class Session:
    id: str  # the cookie value; Redis keeps only its hash
    account: Account
    csrf: str
    created: float


class AccountLocked(Exception):
    """Too many failed logins for this account or address in the last hour."""


def check_new_account(name: str, role: str, password: str) -> None:
    if not ACCOUNT_NAME.match(name):
        raise ConfigError(f"{name!r} is not an account name (a-z, digits, . _ -, 2 to 40 long)")
    if role not in ROLES:
        raise ConfigError(f"{role!r} is not a role ({', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")


def _account(name: str, fields: dict[bytes, bytes]) -> Account:
    teams = tuple(t for t in fields[b"teams"].decode().split(",") if t)
    return Account(name, cast(Role, fields[b"role"].decode()), teams)


class Accounts:
    def __init__(self, redis: Redis, hasher: PasswordHasher | None = None) -> None:
        self._redis = redis
        self._hasher = hasher or PasswordHasher()  # Argon2id, argon2-cffi's defaults
        # Verified against when the name is unknown, so both cases take the same time;
        # made at the first such login, not at start-up (a hash takes tens of ms).
        self._dummy: str | None = None

    async def add(self, name: str, password: str, role: Role, teams: tuple[str, ...]) -> Account:
        check_new_account(name, role, password)
        hashed = await asyncio.to_thread(self._hasher.hash, password)
        try:
            await self._redis.hset(
                redis_keys.account(name), mapping={"hash": hashed, "role": role, "teams": ",".join(teams)}
            )
        except RedisError as err:
            raise StoreError("cannot save the account") from err
        return Account(name, role, teams)

    async def get(self, name: str) -> Account | None:
        fields = await self._fields(name)
        return _account(name, fields) if fields else None

    async def verify(self, name: str, password: str) -> Account | None:
        fields = await self._fields(name) if ACCOUNT_NAME.match(name) else {}
        hashed = fields.get(b"hash", b"").decode() or await self._dummy_hash()
        try:
            await asyncio.to_thread(self._hasher.verify, hashed, password)
        except (VerificationError, InvalidHashError):
            return None
        return _account(name, fields) if fields else None

    async def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = await asyncio.to_thread(self._hasher.hash, secrets.token_urlsafe(16))
        return self._dummy

    async def _fields(self, name: str) -> dict[bytes, bytes]:
        try:
            return cast(dict[bytes, bytes], await self._redis.hgetall(redis_keys.account(name)))
        except RedisError as err:
            raise StoreError("cannot read the account") from err


class Sessions:
    def __init__(
        self,
        redis: Redis,
        accounts: Accounts,
        idle_seconds: int = IDLE_SECONDS,
        absolute_seconds: int = ABSOLUTE_SECONDS,
    ) -> None:
        self._redis = redis
        self._accounts = accounts
        self._idle = idle_seconds
        self._absolute = absolute_seconds

    async def start(self, account: Account) -> Session:
        """A new session, with a new id (never one the browser brought along)."""
        session = Session(secrets.token_urlsafe(32), account, secrets.token_urlsafe(32), time.time())
        key = redis_keys.session(_hashed(session.id))
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.hset(
                    key, mapping={"account": account.name, "csrf": session.csrf, "created": session.created}
                )
                pipe.expire(key, self._idle)
                await pipe.execute()
        except RedisError as err:
            raise StoreError("cannot start a session") from err
        return session

    async def get(self, session_id: str) -> Session | None:
        """The session, still fresh: idle at most 30 minutes, at most 12 hours old."""
        key = redis_keys.session(_hashed(session_id))
        try:
            fields = cast(dict[bytes, bytes], await self._redis.hgetall(key))
            if not fields:
                return None
            created = float(fields[b"created"])
            if time.time() - created > self._absolute:
                await self._redis.delete(key)
                return None
            await self._redis.expire(key, self._idle)
        except RedisError as err:
            raise StoreError("cannot read the session") from err
        account = await self._accounts.get(fields[b"account"].decode())
        if account is None:  # the account was removed
            return None
        return Session(session_id, account, fields[b"csrf"].decode(), created)

    async def end(self, session_id: str) -> None:
        try:
            await self._redis.delete(redis_keys.session(_hashed(session_id)))
        except RedisError as err:
            raise StoreError("cannot end the session") from err


# Count a login attempt before its password is checked, so that attempts made at the
# same moment cannot slip past the limit; refuse when the account or the address is over
# it. KEYS: the address's counter, and the account's when the name can be one. ARGV:
# limit, window in seconds.
_ATTEMPT = """
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[1]) then return -1 end
end
local worst = 0
for i = 1, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2]) end
  if n > worst then worst = n end
end
return worst
"""

# A right password takes back its own count, and only that: failures stay counted
# until their hour is over, so a right login in between never gives an attacker a
# fresh ten (SAFETY rule 14: never more than 100 failed tries per hour per account).
# A counter that is gone (its hour ended) is left gone, not made negative and forever.
_SUCCEEDED = """
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n <= 1 then redis.call('DEL', KEYS[i]) else redis.call('DECR', KEYS[i]) end
end
return 0
"""


class LoginGuard:
    """Counts login attempts per account and per address (a hash), slows down failures
    and locks after too many within an hour (SAFETY rule 14)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._attempt = redis.register_script(_ATTEMPT)
        self._succeeded = redis.register_script(_SUCCEEDED)

    async def attempt(self, name: str, address: str) -> int:
        """Count this attempt (the how-manieth it is); AccountLocked when over the limit."""
        try:
            number = int(
                await self._attempt(
                    keys=self._keys(name, address), args=[LOCK_AFTER_FAILURES, FAILURE_WINDOW_SECONDS]
                )
            )
        except RedisError as err:
            raise StoreError("cannot count a login attempt") from err
        if number < 0:
            raise AccountLocked("too many failed logins; try again later")
        return number

    @staticmethod
    def delay(attempt: int) -> float:
        """How long to wait before answering a failed attempt: doubling after the first few."""
        return (
            0.0 if attempt <= FREE_FAILURES else min(MAX_DELAY_SECONDS, 0.25 * 2 ** (attempt - FREE_FAILURES))
        )

    async def succeeded(self, name: str, address: str) -> None:
        """The attempt was right: it does not count against the account or the address."""
        try:
            await self._succeeded(keys=self._keys(name, address))
        except RedisError as err:
            raise StoreError("cannot reset failed logins") from err

    @staticmethod
    def _keys(name: str, address: str) -> list[str]:
        """The address's counter, and the account's. A typed name that cannot be an
        account name is counted per address only: no password is ever checked for it,
        and it is never kept, not even in a key's name (it may have been a password)."""
        place = redis_keys.login_failures("address", address)
        if not ACCOUNT_NAME.match(name):
            return [place]
        return [place, redis_keys.login_failures("account", name)]


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()

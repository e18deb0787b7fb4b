"""The Redis client for a `REDIS_URL`: one server, a Sentinel set-up or a Cluster.

    redis://[:password@]host:port/db       one server (rediss:// for TLS)
    unix:///path/to/redis.sock             one server on a unix socket (the embedded one)
    redis+sentinel://[[user]:password@]host:port[,host:port...]/service[/db]
                                           the master Sentinel names for `service`
    redis+cluster://[[user]:password@]host:port[,host:port...]
                                           a Redis Cluster, found from any of these nodes

The `+sentinel` and `+cluster` forms take `rediss+` for TLS too. The user and password
in a Sentinel URL are the data servers'; a password for the Sentinels themselves is the
query parameter `sentinel_password`, the only one these two forms take.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import ClusterNode, ClusterPipeline, RedisCluster
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.exceptions import ClusterError, RedisClusterException
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.errors import ConfigError

TIMEOUT_SECONDS = 5  # to connect, for an answer, and for a free connection


def connect(url: str, max_connections: int) -> Redis:
    """A client for `url`. Every form is typed as `Redis`: the Cluster client has the
    same commands, scripts, pipelines and pub/sub, and the adapters use no others."""
    scheme, _, _ = url.partition("://")
    if scheme in ("redis+sentinel", "rediss+sentinel"):
        return _sentinel(url, max_connections)
    if scheme in ("redis+cluster", "rediss+cluster"):
        return _cluster(url, max_connections)
    if scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            "REDIS_URL must start with redis://, rediss://, unix://, redis+sentinel:// or redis+cluster://"
        )
    # A burst of turns waits for a free connection instead of failing ("Too many connections").
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    return Redis.from_pool(pool)  # the client owns the pool and closes it


def _parts(
    url: str, what: str, allowed_query: tuple[str, ...]
) -> tuple[SplitResult, dict[str, str], list[tuple[str, int]]]:
    """The URL's parts, its user name and password (for Redis ACLs, read as redis-py
    reads them: "name@host" is a user name alone), and each host:port."""
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    if unknown := sorted(set(query) - set(allowed_query)):
        raise ConfigError(
            f"REDIS_URL: {', '.join(unknown)} is not understood here (only: {', '.join(allowed_query) or 'none'})"
        )
    userinfo, _, hosts = parts.netloc.rpartition("@")
    found: list[tuple[str, int]] = []
    for part in hosts.split(","):
        host, _, port = part.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(f"REDIS_URL: each {what} is host:port, not {part!r}")
        found.append((host.strip("[]"), int(port)))
    user, _, password = userinfo.partition(":")
    credentials = {"username": unquote(user), "password": unquote(password)}
    return parts, {**query, **{k: v for k, v in credentials.items() if v}}, found


def _sentinel(url: str, max_connections: int) -> Redis:
    parts, options, sentinels = _parts(url, "Sentinel", ("sentinel_password",))
    path = [unquote(p) for p in parts.path.split("/") if p]
    if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise ConfigError("REDIS_URL: a Sentinel URL ends in /<service name>[/<db>]")
    tls = parts.scheme.startswith("rediss")
    common: dict[str, Any] = {"socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS}
    if tls:
        common["ssl"] = True
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        sentinels,
        sentinel_kwargs={**common, "password": options.get("sentinel_password")},
        username=options.get("username"),
        password=options.get("password"),
        db=int(path[1]) if len(path) == 2 else 0,
        **common,
    )
    # The pool asks the Sentinels for the master again whenever a connection to it fails,
    # so a failover costs the turns in flight, not a restart.
    master = cast(
        _SentinelMaster,
        sentinel.master_for(
            path[0],
            redis_class=_SentinelMaster,
            connection_pool_class=_BlockingSentinelPool,
            max_connections=max_connections,
            timeout=TIMEOUT_SECONDS,
        ),
    )
    master.sentinels = sentinel.sentinels
    return master


class _BlockingSentinelPool(SentinelConnectionPool, BlockingConnectionPool):
    """A burst of turns waits for a free connection to the master, as with one server
    (redis-py's Sentinel pool fails at once with "Too many connections")."""


class _SentinelMaster(Redis):
    """The master's client, which also closes the connections to the Sentinels."""

    sentinels: list[Redis]

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        try:
            await super().aclose(close_connection_pool)
        finally:
            for client in self.sentinels:
                await client.aclose()


class _Cluster(RedisCluster):
    """A Cluster client whose failures are all `RedisError`s, as every adapter expects
    (redis-py raises some outside it: a slot no master serves, in the middle of a
    failover), and on which a burst of commands waits up to 5 s for a free connection,
    as with one server.

    redis-py's own client fails at once when a node's connections are all in use, and
    then drops the node's other connections too, failing the commands on them: so the
    commands in flight are limited here, below the connections each node may have."""

    def __init__(self, *args: Any, in_flight: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_flight = asyncio.Semaphore(in_flight)

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        try:
            await asyncio.wait_for(self._in_flight.acquire(), TIMEOUT_SECONDS)
        except TimeoutError as err:
            raise RedisConnectionError("no connection to Redis became free") from err
        try:
            return await super().execute_command(*args, **kwargs)
        except RedisClusterException as err:
            raise ClusterError(f"{type(err).__name__} ({args[0]})") from err
        finally:
            self._in_flight.release()

    def pipeline(self, transaction: Any | None = None, shard_hint: Any | None = None) -> ClusterPipeline:
        return _ClusterPipeline(self, transaction)  # type: ignore[abstract]  # as redis-py makes its own


class _ClusterPipeline(ClusterPipeline):
    async def initialize(self) -> ClusterPipeline:  # when the pipeline starts: `async with`
        try:
            return await super().initialize()
        except RedisClusterException as err:
            raise ClusterError(f"{type(err).__name__} (pipeline)") from err

    async def execute(self, raise_on_error: bool = True, allow_redirections: bool = True) -> list[Any]:
        try:
            return await super().execute(raise_on_error, allow_redirections)
        except RedisClusterException as err:
            raise ClusterError(f"{type(err).__name__} (pipeline)") from err


def _cluster(url: str, max_connections: int) -> Redis:
    parts, options, nodes = _parts(url, "Cluster node", ())
    if parts.path.strip("/") not in ("", "0"):
        raise ConfigError("REDIS_URL: a Redis Cluster has only database 0")
    cluster = _Cluster(
        startup_nodes=[ClusterNode(host, port) for host, port in nodes],
        username=options.get("username"),
        password=options.get("password"),
        ssl=parts.scheme.startswith("rediss"),
        in_flight=max_connections,
        # Per node: room above the commands in flight for pipelines and pub/sub.
        max_connections=2 * max_connections,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    return cast(Redis, cluster)

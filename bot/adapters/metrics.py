"""`GET /metrics`: this process's numbers in the Prometheus text format (docs/metrics.md).

Every metric is per process: each worker of `fristad run --workers N` counts what it
served and answers its own /metrics. Labels are fixed sets only (channel, team, kind):
never a conversation key, a token, a case code or text (SAFETY rule 11). Off unless
FRISTAD_METRICS_TOKEN is set; the scraper sends it as a bearer token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters import redis_keys
from bot.core.casework import WAIT_BUCKETS, Casework
from bot.errors import StoreError

if TYPE_CHECKING:  # the Telegram channel counts its webhook's errors here
    from bot.adapters.telegram import TelegramChannel

log = logging.getLogger(__name__)

SCRAPE_REDIS_TIMEOUT = 2.0
CHANNELS = ("web", "telegram")
ERROR_KINDS = ("store", "unexpected")
PER_PROCESS = " (this worker process only)"
# The classic text format every Prometheus version reads (names here need no escaping).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Metrics:
    """The metrics of one app, in a registry of its own (several apps in one test run
    do not clash)."""

    def __init__(self, token: str) -> None:
        self._token = token.encode()
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.turns = Counter(
            "fristad_turns",
            "Help-seeker turns the dialogue handled, by channel" + PER_PROCESS,
            ["channel"],
            registry=r,
        )
        self.errors = Counter(
            "fristad_errors",
            "Requests that failed, by kind: store = the storage (Redis) failed under the request "
            "(the web chat and staff pages answer 503), unexpected = any other exception" + PER_PROCESS,
            ["kind"],
            registry=r,
        )
        self.handoffs_waiting = Gauge(
            "fristad_handoffs_waiting",
            "Cases waiting in each team's queue for a caseworker, read from Redis at scrape "
            "(the same number from every worker)",
            ["team"],
            registry=r,
        )
        self.wait_seconds = Histogram(
            "fristad_handoff_wait_seconds",
            "Seconds a case waited until a caseworker first took it, by team; counted by the "
            "process that served the claim" + PER_PROCESS,
            ["team"],
            buckets=[minutes * 60 for minutes in WAIT_BUCKETS],
            registry=r,
        )
        self.active = Gauge(
            "fristad_active_conversations",
            "Conversations with a live connection to this process: web chat pages holding the "
            "reply WebSocket open (channel web). Telegram keeps no connection and is not counted"
            + PER_PROCESS,
            ["channel"],
            registry=r,
        )
        self.redis_up = Gauge(
            "fristad_redis_up", "1 when Redis answered the PING of this scrape, 0 when not", registry=r
        )
        self.redis_ping = Histogram(
            "fristad_redis_ping_seconds",
            "Round trip of a Redis PING, one per scrape" + PER_PROCESS,
            buckets=[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5],
            registry=r,
        )
        for channel in CHANNELS:  # zeros from the start, so rates work from the first scrape
            self.turns.labels(channel)
        for kind in ERROR_KINDS:
            self.errors.labels(kind)
        self.active.labels("web")
        self._redis: Redis | None = None
        self._casework: Casework | None = None

    def attach(self, redis: Redis, casework: Casework | None, telegram: TelegramChannel | None) -> None:
        """Once the runtime is open: what the scrape reads; first claims are timed and
        Telegram's turns counted."""
        self._redis = redis
        self._casework = casework
        if casework is not None:
            casework.wait_observers.append(self.waited)
        if telegram is not None:
            telegram.updates.on_turn = self.turns.labels("telegram").inc

    def turn(self, channel: str) -> None:
        self.turns.labels(channel).inc()

    def waited(self, team: str, seconds: float) -> None:
        self.wait_seconds.labels(team).observe(max(seconds, 0.0))

    def allowed(self, header: str | None) -> bool:
        scheme, _, given = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self._token)

    async def refresh(self) -> None:
        """The numbers read at scrape: one PING and one ZCARD per team."""
        redis = self._redis
        if redis is None:
            self.redis_up.set(0)
            return
        try:
            async with asyncio.timeout(SCRAPE_REDIS_TIMEOUT):
                began = time.perf_counter()
                await redis.ping()
                self.redis_ping.observe(time.perf_counter() - began)
                teams = sorted(self._casework.teams.teams) if self._casework is not None else []
                counts = await asyncio.gather(*(redis.zcard(redis_keys.queue_waiting(t)) for t in teams))
        except (RedisError, OSError, TimeoutError) as err:
            log.warning("metrics: Redis did not answer (%s)", type(err).__name__)
            self.redis_up.set(0)
            self.handoffs_waiting.clear()  # no stale numbers
            return
        self.redis_up.set(1)
        self.handoffs_waiting.clear()  # teams a publish removed go away
        for team, count in zip(teams, counts, strict=True):
            self.handoffs_waiting.labels(team).set(int(count))


METRICS = web.AppKey("metrics", Metrics)


async def metrics_page(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    if not metrics.allowed(request.headers.get("Authorization")):
        response = web.json_response(
            {"error": "unauthorized", "reason": "a valid bearer token is required (FRISTAD_METRICS_TOKEN)"},
            status=401,
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    await metrics.refresh()
    return web.Response(body=generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE})


@web.middleware
async def count_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Innermost, so it sees what a handler raised before the other middlewares turn it
    into an answer. Counts kinds only: the error's text may hold what a person wrote."""
    try:
        return await handler(request)
    except (web.HTTPException, ConnectionResetError):  # answers, and clients that left
        raise
    except StoreError:
        request.app[METRICS].errors.labels("store").inc()
        raise
    except Exception:
        request.app[METRICS].errors.labels("unexpected").inc()
        raise


def add_metrics(app: web.Application, token: str) -> None:
    """`GET /metrics` behind the bearer token. Call after the other parts' middlewares."""
    app[METRICS] = Metrics(token)
    app.middlewares.append(count_errors)
    app.router.add_get("/metrics", metrics_page)


def count_turn(app: web.Application, channel: str) -> None:
    """One turn handled; nothing when metrics are off."""
    metrics = app.get(METRICS)
    if metrics is not None:
        metrics.turn(channel)


def count_connection(app: web.Application, channel: str, change: int) -> None:
    """A live connection of a conversation opened (+1) or closed (-1)."""
    metrics = app.get(METRICS)
    if metrics is not None:
        metrics.active.labels(channel).inc(change)


def count_error(app: web.Application, kind: str) -> None:
    """A failure a handler answered itself (the Telegram webhook's 503s)."""
    metrics = app.get(METRICS)
    if metrics is not None:
        metrics.errors.labels(kind).inc()

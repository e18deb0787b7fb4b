"""The aiohttp application: health and readiness, the web chat, the console and the
admin pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import web
from redis.exceptions import RedisError

from bot.adapters.accounts import Accounts, LoginGuard, Sessions
from bot.adapters.admin import ADMIN, Admin, add_admin
from bot.adapters.audit import AuditLog
from bot.adapters.console import CONSOLE, Console, add_console
from bot.adapters.content_files import Content
from bot.adapters.draining import DRAINING, Draining
from bot.adapters.metrics import METRICS, add_metrics
from bot.adapters.web_chat import WEB_CHAT, WebChat, WebChatConfig, add_web_chat
from bot.app.request_ids import add_request_ids
from bot.app.runtime import Runtime, open_runtime
from bot.app.settings import Settings

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
READY_TIMEOUT = 2.0


def init_app(settings: Settings, content: Content) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[DRAINING] = Draining()
    add_request_ids(app)  # first: the outermost middleware, an id for every request

    async def runtime_ctx(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(settings, content) as runtime:
            app[RUNTIME] = runtime
            app[WEB_CHAT] = WebChat(
                config=WebChatConfig(
                    quick_exit_url=settings.quick_exit_url,
                    conversations_per_minute=settings.web_conversations_per_minute,
                    trusted_proxies=settings.trusted_proxies,
                ),
                dialogue=runtime.dialogue,
                keyer=runtime.keys.keyer,
                limiter=runtime.limiter,
                outbox=runtime.outbox,
            )
            if runtime.casework is not None and content.teams is not None:
                accounts = Accounts(runtime.redis)
                audit = AuditLog(runtime.redis)
                app[ADMIN] = Admin(published=runtime.published, audit=audit, statistics=runtime.statistics)
                app[CONSOLE] = Console(
                    accounts=accounts,
                    sessions=Sessions(runtime.redis, accounts),
                    guard=LoginGuard(runtime.redis),
                    audit=audit,
                    casework=runtime.casework,
                    queue=runtime.queue,
                    store=runtime.store,
                    notifier=runtime.notifier,
                    teams=content.teams,
                    engine=runtime.engine,
                    keyer=runtime.keys.keyer,
                    trusted_proxies=settings.trusted_proxies,
                )
            if METRICS in app:
                app[METRICS].attach(runtime.redis, runtime.casework, runtime.telegram)
            if runtime.telegram is None:
                yield
                return
            stop = asyncio.Event()
            telegram = asyncio.create_task(runtime.telegram.run(stop), name="telegram")
            try:
                yield
            finally:
                stop.set()
                await telegram

    app.cleanup_ctx.append(runtime_ctx)
    app.on_shutdown.append(close_sockets)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    add_web_chat(app, settings.frame_ancestors)
    if settings.telegram is not None and settings.telegram.webhook_url is not None:
        app.router.add_post(urlsplit(settings.telegram.webhook_url).path or "/", telegram_webhook)
    if content.teams is not None:
        add_console(app)
        add_admin(app)
    if settings.metrics_token is not None:
        add_metrics(app, settings.metrics_token)  # last: its error counting is innermost
    return app


async def close_sockets(app: web.Application) -> None:
    """aiohttp waits for every handler before it stops, and a live socket's never ends by
    itself: closed here with the reconnect code, the pages come back elsewhere at once."""
    draining = app[DRAINING]
    draining.stopping = True
    await draining.close_sockets()


async def telegram_webhook(request: web.Request) -> web.Response:
    telegram = request.app[RUNTIME].telegram
    assert telegram is not None  # the route exists only with a Telegram webhook configured
    return await telegram.webhook(request)


async def healthz(request: web.Request) -> web.Response:
    """The process is alive."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Redis answers and the flows are loaded: this process can take conversations."""
    if request.app[DRAINING].stopping:  # a load balancer sends new connections elsewhere
        return web.json_response({"status": "stopping"}, status=503)
    runtime = request.app[RUNTIME]
    try:
        async with asyncio.timeout(READY_TIMEOUT):
            await runtime.redis.ping()
    except (RedisError, OSError, TimeoutError):
        log.warning("not ready: Redis does not answer")
        return web.json_response({"status": "unavailable", "redis": "unreachable"}, status=503)
    flows = [f"{flow.id}@{flow.version}" for flow in runtime.engine.flows]
    return web.json_response({"status": "ok", "redis": "ok", "flows": flows})

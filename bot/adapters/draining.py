"""A process that is stopping: it takes no new conversation and no new live socket, and
closes the open ones with a close code that makes the pages connect again (to another
worker, or to this service once it is back). See "Stopping" in docs/architecture.md."""

from __future__ import annotations

import asyncio
import weakref

from aiohttp import WSCloseCode, web

# The pages (chat.js, console.js) connect again after any close but "ended" and "bad hello".
CLOSE_RECONNECT = WSCloseCode.SERVICE_RESTART  # 1012
RETRY_AFTER_SECONDS = 5  # what a refused new conversation is told: another worker takes it by then


class Draining:
    """Whether the process is stopping, and its open WebSockets (weakly: a closed one goes)."""

    def __init__(self) -> None:
        self.stopping = False
        self.sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._closing: asyncio.Task[None] | None = None

    def begin(self) -> None:
        """From now on: no new conversation, no new socket; the open sockets are closed."""
        if not self.stopping:
            self.stopping = True
            self._closing = asyncio.get_running_loop().create_task(self.close_sockets())

    def track(self, ws: web.WebSocketResponse) -> None:
        self.sockets.add(ws)

    async def close_sockets(self) -> None:
        """Close every open socket with the reconnect code, all at once."""
        await asyncio.gather(
            *(ws.close(code=CLOSE_RECONNECT, message=b"reconnect") for ws in list(self.sockets)),
            return_exceptions=True,
        )


DRAINING = web.AppKey("draining", Draining)


def stopping(app: web.Application) -> bool:
    draining = app.get(DRAINING)
    return draining is not None and draining.stopping


def track(app: web.Application, ws: web.WebSocketResponse) -> None:
    draining = app.get(DRAINING)
    if draining is not None:
        draining.track(ws)

"""A small HTTP/1.1 keep-alive client for the load generator: one connection per
conversation, as a browser has, and little work per request (no JSON parsed, no
headers but the length read), so that one Python process can offer thousands of turns
a second and 10,000 open connections without being the bottleneck."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit


class HttpError(Exception):
    pass


class Connection(asyncio.Protocol):
    """One request at a time; the answer must carry Content-Length (aiohttp's JSON
    answers do)."""

    def __init__(self, host: str) -> None:
        self.host = host.encode()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).lower()
        at = head.find(b"\r\ncontent-length:")
        if at < 0:
            self._fail(HttpError("an answer without Content-Length"))
            return
        stop = head.find(b"\r\n", at + 2)
        total = end + 4 + int(head[at + 17 : stop if stop > 0 else None])
        if len(self.buffer) < total:
            return
        status, body = int(head[9:12]), bytes(self.buffer[end + 4 : total])
        del self.buffer[:total]
        waiter, self.waiter = self.waiter, None
        if not waiter.done():
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self._fail(exc or HttpError("the server closed the connection"))

    @property
    def closed(self) -> bool:
        return self.transport is None or self.transport.is_closing()

    def _fail(self, error: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        assert self.waiter is None, "one request at a time"
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(
            b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (path.encode(), self.host, len(body), body)
        )
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(url: str) -> Connection:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    _, connection = await asyncio.get_running_loop().create_connection(
        lambda: Connection(f"{host}:{port}"), host, port
    )
    return connection

"""Whose request it is, behind the deployment's own reverse proxies."""

from __future__ import annotations

from aiohttp import web


def client_address(request: web.Request, trusted_proxies: frozenset[str]) -> str:
    """The client's address: the nearest one in X-Forwarded-For that is not one of
    our own proxies, when the request came through one; else the peer's."""
    address = request.remote or ""
    if address in trusted_proxies:
        for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
            address = hop.strip()
            if address not in trusted_proxies:
                break
    return address

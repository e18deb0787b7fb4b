"""Whose request it is, behind the deployment's own reverse proxies."""

from __future__ import annotations

from aiohttp import web

from bot.adapters.crypto import ConversationKeyer


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


def hashed_client_address(
    request: web.Request, trusted_proxies: frozenset[str], keyer: ConversationKeyer
) -> str:
    """The client's address as a keyed hash: counted for rate limits and login throttling,
    never kept in clear (SAFETY 11)."""
    return keyer.conversation_key("address", client_address(request, trusted_proxies))

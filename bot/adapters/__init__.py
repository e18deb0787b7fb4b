"""Adapters: Redis, crypto, files and (later) channels and web pages."""

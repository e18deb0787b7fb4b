"""Encryption at rest (AES-GCM with a key ring) and keyed hashing of channel ids."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.errors import ConfigError, DecryptionError

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
KEY_BYTES = 32
NONCE_BYTES = 12
SEPARATOR = b"$"


def new_key() -> str:
    """A fresh 256-bit key in the form the settings take (URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as err:
        raise ConfigError(f"{what} is not valid base64") from err
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{what} must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def parse_key_ring(spec: str) -> tuple[str, dict[str, bytes]]:
    """Read "id:base64key,id2:base64key" (newest first) into (current id, keys)."""
    keys: dict[str, bytes] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key_id, sep, encoded = part.strip().partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ConfigError(
                "FRISTAD_ENCRYPTION_KEYS must look like 'id:base64key,...' with ids of letters, digits, - or _"
            )
        if key_id in keys:
            raise ConfigError(f"encryption key id {key_id!r} is listed twice")
        keys[key_id] = decode_key(encoded, f"encryption key {key_id!r}")
    if not keys:
        raise ConfigError("FRISTAD_ENCRYPTION_KEYS lists no key")
    return next(iter(keys)), keys


class Encryptor:
    """AES-256-GCM. Each value carries the id of its key, so keys can rotate: new
    values use the current key, older ones stay readable while their key is kept.
    The associated data binds a value to its conversation and field."""

    def __init__(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        self.replace_keys(current_id, keys)

    def replace_keys(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        """Take another key ring (a rotation): values written from now on use its current
        key; values under any key it holds stay readable."""
        if current_id not in keys:
            raise ConfigError(f"the current encryption key {current_id!r} is not among the keys")
        ciphers = {key_id.encode(): AESGCM(key) for key_id, key in keys.items()}
        self.current_id, self._ciphers, self._current = current_id, ciphers, current_id.encode()

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(key_id.decode() for key_id in self._ciphers)

    def encrypt(self, plaintext: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, plaintext, associated)
        return self._current + SEPARATOR + nonce + sealed

    def decrypt(self, value: bytes, associated: bytes) -> bytes:
        key_id, sep, rest = value.partition(SEPARATOR)
        cipher = self._ciphers.get(key_id)
        if not sep or cipher is None:
            raise DecryptionError("value encrypted with an unknown key id")
        try:
            return cipher.decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], associated)
        except (InvalidTag, ValueError) as err:  # ValueError: too short to hold a nonce
            raise DecryptionError("value does not match its key or its place") from err

    def key_id_of(self, value: bytes) -> str:
        return value.partition(SEPARATOR)[0].decode(errors="replace")


class ConversationKeyer:
    """Turns a channel's user id into the conversation key, so ids are never stored."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def conversation_key(self, channel: str, channel_id: str) -> str:
        digest = hmac.new(self._key, f"{channel}:{channel_id}".encode(), hashlib.sha256)
        return digest.hexdigest()

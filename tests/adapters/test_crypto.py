"""Encryption at rest and keyed hashing of channel ids."""

from __future__ import annotations

import base64
import os

import pytest

from bot.adapters.crypto import ConversationKeyer, Encryptor, parse_key_ring
from bot.errors import ConfigError, DecryptionError


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def test_values_round_trip_and_carry_their_key_id() -> None:
    encryptor = Encryptor("k1", {"k1": os.urandom(32)})
    sealed = encryptor.encrypt("Han slog mig igår".encode(), b"conv:transcript")
    assert b"Han slog" not in sealed
    assert encryptor.key_id_of(sealed) == "k1"
    assert encryptor.decrypt(sealed, b"conv:transcript").decode() == "Han slog mig igår"


def test_the_same_text_encrypts_differently_each_time() -> None:
    encryptor = Encryptor("k1", {"k1": os.urandom(32)})
    assert encryptor.encrypt(b"hej", b"a") != encryptor.encrypt(b"hej", b"a")


def test_a_value_moved_to_another_conversation_or_field_does_not_decrypt() -> None:
    encryptor = Encryptor("k1", {"k1": os.urandom(32)})
    sealed = encryptor.encrypt(b"secret", b"conv-a:transcript")
    with pytest.raises(DecryptionError):
        encryptor.decrypt(sealed, b"conv-b:transcript")


def test_tampered_values_and_unknown_keys_are_refused() -> None:
    encryptor = Encryptor("k1", {"k1": os.urandom(32)})
    sealed = bytearray(encryptor.encrypt(b"secret", b"a"))
    sealed[-1] ^= 1
    with pytest.raises(DecryptionError):
        encryptor.decrypt(bytes(sealed), b"a")
    with pytest.raises(DecryptionError):
        encryptor.decrypt(b"k1$short", b"a")
    other = Encryptor("k9", {"k9": os.urandom(32)})
    with pytest.raises(DecryptionError, match="unknown key id"):
        other.decrypt(encryptor.encrypt(b"secret", b"a"), b"a")


def test_after_rotation_new_values_use_the_new_key_and_old_ones_stay_readable() -> None:
    old_key, new_key = os.urandom(32), os.urandom(32)
    before = Encryptor("k1", {"k1": old_key})
    old_value = before.encrypt(b"old", b"a")
    after = Encryptor("k2", {"k2": new_key, "k1": old_key})
    assert after.decrypt(old_value, b"a") == b"old"
    assert after.key_id_of(after.encrypt(b"new", b"a")) == "k2"


def test_key_ring_lists_the_current_key_first() -> None:
    current, keys = parse_key_ring(f"k2:{b64(os.urandom(32))}, k1:{b64(os.urandom(32))}")
    assert current == "k2"
    assert list(keys) == ["k2", "k1"]


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "lists no key"),
        ("nokeyid", "must look like 'id:base64key"),
        ("bad id!:AAAA", "must look like 'id:base64key"),
        ("k1:not base64!!", "not valid base64"),
        (f"k1:{b64(os.urandom(16))}", "must be 32 bytes, got 16"),
        (f"k1:{b64(os.urandom(32))},k1:{b64(os.urandom(32))}", "listed twice"),
    ],
)
def test_wrong_key_rings_are_refused_with_a_reason(spec: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        parse_key_ring(spec)


def test_conversation_keys_hide_the_channel_id_and_are_stable() -> None:
    keyer = ConversationKeyer(os.urandom(32))
    key = keyer.conversation_key("telegram", "123456789")
    assert "123456789" not in key
    assert len(key) == 64
    assert keyer.conversation_key("telegram", "123456789") == key
    assert keyer.conversation_key("web", "123456789") != key
    assert ConversationKeyer(os.urandom(32)).conversation_key("telegram", "123456789") != key

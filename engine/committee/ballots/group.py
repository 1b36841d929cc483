"""The prime-order subgroup of Curve25519 (edwards25519) through libsodium: points, scalars, hashing.

Every value travels as lowercase hex: a point is its 32-byte compressed Edwards encoding, a scalar
its 32-byte little-endian encoding reduced modulo the group order. The browser side
(`webui/static/teller_src.js`, @noble/curves) uses the same encodings.
"""
from __future__ import annotations

import hashlib

from nacl import bindings as sodium

ORDER = 2**252 + 27742317777372353535851937790883648493  # L, the order of the base point
IDENTITY = bytes([1]) + bytes(31)


class BadValue(ValueError):
    """A point or scalar that is not a valid element of the group."""


def scalar(value: int) -> bytes:
    """``value`` modulo L as 32 little-endian bytes."""
    return (value % ORDER).to_bytes(32, "little")


def to_int(s: bytes) -> int:
    return int.from_bytes(s, "little")


def random_scalar() -> bytes:
    """A uniformly random non-zero scalar (libsodium's CSPRNG)."""
    while True:
        s = sodium.crypto_core_ed25519_scalar_reduce(sodium.randombytes(64))
        if any(s):
            return s


def base_mul(s: bytes) -> bytes:
    """s·G (the identity when s is zero)."""
    return sodium.crypto_scalarmult_ed25519_base_noclamp(s) if any(s) else IDENTITY


def mul(s: bytes, point: bytes) -> bytes:
    """s·P for a point of the prime-order subgroup (the identity when the product is)."""
    if not any(s) or point == IDENTITY:
        return IDENTITY
    return sodium.crypto_scalarmult_ed25519_noclamp(s, point)


def add(p: bytes, q: bytes) -> bytes:
    return sodium.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return sodium.crypto_core_ed25519_sub(p, q)


def s_add(a: bytes, b: bytes) -> bytes:
    return sodium.crypto_core_ed25519_scalar_add(a, b)


def s_sub(a: bytes, b: bytes) -> bytes:
    return sodium.crypto_core_ed25519_scalar_sub(a, b)


def s_mul(a: bytes, b: bytes) -> bytes:
    return sodium.crypto_core_ed25519_scalar_mul(a, b)


def hash_to_scalar(tag: str, *parts: bytes | str) -> bytes:
    """SHA-512 of a domain tag and length-prefixed parts, reduced modulo L (Fiat–Shamir challenges)."""
    digest = hashlib.sha512()
    for part in (tag, *parts):
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(4, "big") + data)
    return sodium.crypto_core_ed25519_scalar_reduce(digest.digest())


def point_from_hex(text: object) -> bytes:
    """A point of the prime-order subgroup from hex; BadValue for anything else (identity allowed)."""
    raw = _bytes(text)
    if raw != IDENTITY and not sodium.crypto_core_ed25519_is_valid_point(raw):
        raise BadValue("not a point of the group")
    return raw


def scalar_from_hex(text: object) -> bytes:
    """A canonical scalar from hex; BadValue for anything else."""
    raw = _bytes(text)
    if to_int(raw) >= ORDER:
        raise BadValue("scalar not reduced")
    return raw


def _bytes(text: object) -> bytes:
    if not isinstance(text, str) or len(text) != 64:
        raise BadValue("expected 64 hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise BadValue("expected 64 hex digits") from None


def hexs(*values: bytes) -> list[str]:
    return [v.hex() for v in values]


def generator() -> bytes:
    return base_mul(scalar(1))

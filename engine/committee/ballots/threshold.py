"""The tellers' key: Shamir shares, each wrapped for one teller, and verifiable partial decryptions.

The server draws the vote key, splits it t-of-n and wraps each share with hashed ElGamal under the
teller's own public key (derived from a passphrase only the teller knows, in the teller's browser);
then it forgets the key. Only t tellers' browsers, each unwrapping its share, can produce the
partial decryptions that open a total; each comes with a Chaum–Pedersen proof checked against the
teller's published verification key.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from engine.committee.ballots import group as g

TAG = "powerflow/teller/v1"
KDF = {"n": 2**15, "r": 8, "p": 1}  # scrypt, the same in the browser (@noble/hashes)


@dataclass(frozen=True)
class Share:
    """One teller's share as stored: its index, verification key x_i·G and the wrapped x_i."""

    index: int
    verification_key: bytes
    wrap_point: bytes
    wrapped: bytes


def teller_secret(passphrase: str, salt: str) -> bytes:
    """The teller's private scalar from the passphrase (what the teller's browser computes)."""
    raw = hashlib.scrypt(passphrase.encode(), salt=salt.encode(), n=KDF["n"], r=KDF["r"], p=KDF["p"],
                         maxmem=64 * 1024 * 1024, dklen=64)
    return g.sodium.crypto_core_ed25519_scalar_reduce(raw)


def threshold_for(tellers: int) -> int:
    """More than half of the tellers, and never fewer than two."""
    return max(2, tellers // 2 + 1)


def deal(teller_keys: list[bytes], threshold: int) -> tuple[bytes, list[Share]]:
    """A fresh vote key: its public key and one wrapped share per teller (1-based indexes)."""
    coefficients = [g.random_scalar() for _ in range(threshold)]
    shares = []
    for index, teller_key in enumerate(teller_keys, start=1):
        x_i = _evaluate(coefficients, index)
        e = g.random_scalar()
        E = g.base_mul(e)
        pad = g.hash_to_scalar(TAG + "/wrap", g.mul(e, teller_key), E, teller_key)
        shares.append(Share(index, g.base_mul(x_i), E, g.s_add(x_i, pad)))
    return g.base_mul(coefficients[0]), shares


def unwrap(secret: bytes, share: Share) -> bytes:
    """The teller's x_i (teller side); ValueError when the passphrase was not the one registered."""
    teller_key = g.base_mul(secret)
    pad = g.hash_to_scalar(TAG + "/wrap", g.mul(secret, share.wrap_point), share.wrap_point, teller_key)
    x_i = g.s_sub(share.wrapped, pad)
    if g.base_mul(x_i) != share.verification_key:
        raise ValueError("wrong passphrase")
    return x_i


def partial_decrypt(x_i: bytes, verification_key: bytes, A: bytes, context: str) -> list[str]:
    """D = x_i·A with a proof that log_G(X_i) = log_A(D): [D, c, z] (teller side)."""
    D = g.mul(x_i, A)
    w = g.random_scalar()
    c = g.hash_to_scalar(TAG + "/partial", context, verification_key, A, D, g.base_mul(w), g.mul(w, A))
    return g.hexs(D, c, g.s_add(w, g.s_mul(c, x_i)))


def verify_partial(verification_key: bytes, A: bytes, partial: object, context: str) -> bytes:
    """D after checking its proof; ValueError (g.BadValue) when it does not hold."""
    if not (isinstance(partial, list) and len(partial) == 3):
        raise g.BadValue("a partial decryption is [D, c, z]")
    D, c, z = g.point_from_hex(partial[0]), g.scalar_from_hex(partial[1]), g.scalar_from_hex(partial[2])
    a = g.sub(g.base_mul(z), g.mul(c, verification_key))
    b = g.sub(g.mul(z, A), g.mul(c, D))
    if g.hash_to_scalar(TAG + "/partial", context, verification_key, A, D, a, b) != c:
        raise g.BadValue("the decryption proof does not hold")
    return D


def open_total(B: bytes, partials: dict[int, bytes], most: int) -> int:
    """m from B − Σ λ_i·D_i (Lagrange at 0 over the tellers who answered), 0 ≤ m ≤ ``most``."""
    indexes = list(partials)
    M = B
    for i in indexes:
        M = g.sub(M, g.mul(lagrange(i, indexes), partials[i]))
    point, G = g.IDENTITY, g.generator()
    for m in range(most + 1):
        if point == M:
            return m
        point = g.add(point, G)
    raise ValueError("the total does not decrypt to a count of ballots")


def _evaluate(coefficients: list[bytes], x: int) -> bytes:
    value = g.scalar(0)
    for coefficient in reversed(coefficients):
        value = g.s_add(g.s_mul(value, g.scalar(x)), coefficient)
    return value


def lagrange(i: int, indexes: list[int]) -> bytes:
    """The Lagrange coefficient of share ``i`` at 0 over the shares ``indexes``."""
    numerator, denominator = 1, 1
    for k in indexes:
        if k != i:
            numerator, denominator = numerator * k % g.ORDER, denominator * (k - i) % g.ORDER
    return g.scalar(numerator * pow(denominator, -1, g.ORDER))

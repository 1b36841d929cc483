"""Exponential ElGamal ballots with proofs that each encrypts exactly one valid choice.

A ballot for one of k options holds k ciphertexts (A, B) = (r·G, m·G + r·H), m = 1 for the chosen
option and 0 for the others, each with a disjunctive Chaum–Pedersen proof that m is 0 or 1
(Cramer–Damgård–Schoenmakers, as in Helios and ElectionGuard), and one proof that the m sum to 1.
Every ballot performs the same operations and has the same size, whatever was chosen.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.committee.ballots import group as g

TAG = "powerflow/ballot/v1"


class InvalidBallot(ValueError):
    """A ballot that is malformed or whose proofs do not verify."""


@dataclass(frozen=True)
class Ballot:
    """k ciphertexts (hex pairs), k 0-or-1 proofs (c0, c1, z0, z1) and the sum proof (c, z)."""

    ciphertexts: list[list[str]]
    proofs: list[list[str]]
    sum_proof: list[str]

    def to_json(self) -> dict:
        return {"c": self.ciphertexts, "p": self.proofs, "s": self.sum_proof}


def encrypt(key: bytes, chosen: int, options: int, context: str) -> Ballot:
    """A ballot for option ``chosen`` (0-based) of ``options`` under the vote's public key."""
    if not 0 <= chosen < options:
        raise InvalidBallot("choice out of range")
    G = g.generator()
    ciphertexts, proofs, total_r = [], [], g.scalar(0)
    for j in range(options):
        m = int(j == chosen)
        r = g.random_scalar()
        A, B = g.base_mul(r), g.add(g.base_mul(g.scalar(m)), g.mul(r, key))
        ciphertexts.append(g.hexs(A, B))
        proofs.append(_prove_bit(key, A, B, m, r, G, context))
        total_r = g.s_add(total_r, r)
    A_sum, B_sum = _sums(ciphertexts, G)
    w = g.random_scalar()
    a, b = g.base_mul(w), g.mul(w, key)
    c = g.hash_to_scalar(TAG + "/sum", context, key, A_sum, B_sum, a, b)
    return Ballot(ciphertexts, proofs, g.hexs(c, g.s_add(w, g.s_mul(c, total_r))))


def verify(key: bytes, data: object, options: int, context: str) -> list[tuple[bytes, bytes]]:
    """The ballot's ciphertexts as points after checking its shape and proofs; InvalidBallot otherwise."""
    try:
        if not isinstance(data, dict) or set(data) != {"c", "p", "s"}:
            raise InvalidBallot("a ballot has exactly c, p and s")
        cts, proofs, sum_proof = data["c"], data["p"], data["s"]
        if not (isinstance(cts, list) and isinstance(proofs, list) and len(cts) == len(proofs) == options):
            raise InvalidBallot("one ciphertext and one proof per option")
        G, points = g.generator(), []
        for ct, proof in zip(cts, proofs):
            if not (isinstance(ct, list) and len(ct) == 2 and isinstance(proof, list) and len(proof) == 4):
                raise InvalidBallot("malformed ciphertext or proof")
            A, B = g.point_from_hex(ct[0]), g.point_from_hex(ct[1])
            if not _bit_proof_holds(key, A, B, [g.scalar_from_hex(v) for v in proof], G, context):
                raise InvalidBallot("an option is not proven to be 0 or 1")
            points.append((A, B))
        if not (isinstance(sum_proof, list) and len(sum_proof) == 2):
            raise InvalidBallot("malformed sum proof")
        c, z = (g.scalar_from_hex(v) for v in sum_proof)
        A_sum, B_sum = _sums(cts, G)
        a = g.sub(g.base_mul(z), g.mul(c, A_sum))
        b = g.sub(g.mul(z, key), g.mul(c, B_sum))
        if g.hash_to_scalar(TAG + "/sum", context, key, A_sum, B_sum, a, b) != c:
            raise InvalidBallot("the options are not proven to sum to one")
        return points
    except g.BadValue as err:
        raise InvalidBallot(str(err)) from None


def combine(ciphertexts: list[list[tuple[bytes, bytes]]], options: int) -> list[tuple[bytes, bytes]]:
    """The homomorphic sum per option of many ballots' ciphertexts (identity pairs for none)."""
    total = [(g.IDENTITY, g.IDENTITY)] * options
    for ballot in ciphertexts:
        total = [(g.add(A, a), g.add(B, b)) for (A, B), (a, b) in zip(total, ballot)]
    return total


def _prove_bit(key, A, B, m, r, G, context) -> list[str]:
    """CDS proof that (A, B) encrypts m ∈ {0, 1}: the other branch simulated, same work either way."""
    s = 1 - m
    c_s, z_s = g.random_scalar(), g.random_scalar()
    a_s = g.sub(g.base_mul(z_s), g.mul(c_s, A))
    b_s = g.sub(g.mul(z_s, key), g.mul(c_s, g.sub(B, g.mul(g.scalar(s), G))))
    w = g.random_scalar()
    a_m, b_m = g.base_mul(w), g.mul(w, key)
    commitments = [(a_m, b_m), (a_s, b_s)] if m == 0 else [(a_s, b_s), (a_m, b_m)]
    c = g.hash_to_scalar(TAG + "/bit", context, key, A, B, *commitments[0], *commitments[1])
    c_m = g.s_sub(c, c_s)
    z_m = g.s_add(w, g.s_mul(c_m, r))
    cs, zs = ((c_m, c_s), (z_m, z_s)) if m == 0 else ((c_s, c_m), (z_s, z_m))
    return g.hexs(cs[0], cs[1], zs[0], zs[1])


def _bit_proof_holds(key, A, B, proof, G, context) -> bool:
    c0, c1, z0, z1 = proof
    commitments = []
    for bit, c, z in ((0, c0, z0), (1, c1, z1)):
        commitments += [g.sub(g.base_mul(z), g.mul(c, A)),
                        g.sub(g.mul(z, key), g.mul(c, g.sub(B, g.mul(g.scalar(bit), G))))]
    return g.hash_to_scalar(TAG + "/bit", context, key, A, B, *commitments) == g.s_add(c0, c1)


def _sums(cts, G) -> tuple[bytes, bytes]:
    A_sum, B_sum = g.IDENTITY, g.IDENTITY
    for ct in cts:
        A_sum, B_sum = g.add(A_sum, bytes.fromhex(ct[0])), g.add(B_sum, bytes.fromhex(ct[1]))
    return A_sum, g.sub(B_sum, G)

"""The ballot cryptography alone: proofs that refuse forged ballots, t-of-n opening, tellers' shares."""
from __future__ import annotations

import itertools
import json

import pytest

from engine.committee.ballots import elgamal, group as g, threshold

CONTEXT = "7/item_vote/3/agree|disagree|abstain"
SMALL_ORDER = bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")  # order 2


@pytest.fixture(scope="module")
def tellers():
    """Three tellers' passphrase keys, and a vote key dealt to them 2-of-3."""
    secrets = [threshold.teller_secret(f"口令 {i}", f"salt {i}") for i in range(3)]
    key, shares = threshold.deal([g.base_mul(s) for s in secrets], 2)
    return key, secrets, shares


def ballots(key, choices):
    return [elgamal.encrypt(key, c, 3, CONTEXT).to_json() for c in choices]


def open_with(key, secrets, shares, cast, who):
    """Totals per option opened by the tellers ``who`` (indexes into shares)."""
    points = [elgamal.verify(key, b, 3, CONTEXT) for b in cast]
    totals = []
    for A, B in elgamal.combine(points, 3):
        partials = {}
        for i in who:
            x = threshold.unwrap(secrets[i], shares[i])
            partials[shares[i].index] = threshold.verify_partial(
                shares[i].verification_key, A, threshold.partial_decrypt(x, shares[i].verification_key, A, CONTEXT),
                CONTEXT)
        totals.append(threshold.open_total(B, partials, len(cast)))
    return totals


def test_any_two_of_three_tellers_open_the_same_totals_and_one_alone_cannot(tellers):
    key, secrets, shares = tellers
    cast = ballots(key, [0, 0, 1, 2, 0, 1, 0])
    for pair in itertools.combinations(range(3), 2):
        assert open_with(key, secrets, shares, cast, pair) == [4, 2, 1]
    with pytest.raises(ValueError, match="does not decrypt"):
        open_with(key, secrets, shares, cast, (0,))


def test_a_share_opens_only_with_its_tellers_passphrase(tellers):
    _, secrets, shares = tellers
    with pytest.raises(ValueError, match="wrong passphrase"):
        threshold.unwrap(threshold.teller_secret("猜的口令", "salt 0"), shares[0])
    with pytest.raises(ValueError, match="wrong passphrase"):
        threshold.unwrap(secrets[1], shares[0])  # another teller's key


def test_a_partial_decryption_made_with_another_share_or_for_another_vote_is_refused(tellers):
    key, secrets, shares = tellers
    (A, _), = elgamal.combine([elgamal.verify(key, ballots(key, [1])[0], 3, CONTEXT)[:1]], 1)
    x0 = threshold.unwrap(secrets[0], shares[0])
    wrong_share = threshold.partial_decrypt(x0, shares[0].verification_key, A, CONTEXT)
    with pytest.raises(g.BadValue):  # teller 1's decryption claimed as teller 2's
        threshold.verify_partial(shares[1].verification_key, A, wrong_share, CONTEXT)
    with pytest.raises(g.BadValue):
        threshold.verify_partial(shares[0].verification_key, A, wrong_share, "7/item_vote/4/agree|disagree|abstain")


def test_every_ballot_has_the_same_shape_and_size_whatever_was_chosen(tellers):
    key = tellers[0]
    sizes = {len(json.dumps(b)) for b in ballots(key, [0, 1, 2] * 3)}
    assert len(sizes) == 1


def test_ballots_that_do_not_prove_exactly_one_valid_choice_are_refused(tellers):
    key = tellers[0]
    first, second = ballots(key, [0, 1])
    double = {"c": [first["c"][0], second["c"][1], first["c"][2]],  # a 1 for agree and a 1 for disagree
              "p": [first["p"][0], second["p"][1], first["p"][2]], "s": first["s"]}
    with pytest.raises(elgamal.InvalidBallot, match="sum to one"):
        elgamal.verify(key, double, 3, CONTEXT)
    two = elgamal.encrypt(key, 0, 3, CONTEXT).to_json()  # a ciphertext of 2 with a proof copied from a 1
    A, B = (bytes.fromhex(v) for v in two["c"][0])
    two["c"][0] = [A.hex(), g.add(B, g.generator()).hex()]
    with pytest.raises(elgamal.InvalidBallot, match="0 or 1"):
        elgamal.verify(key, two, 3, CONTEXT)
    with pytest.raises(elgamal.InvalidBallot, match="0 or 1"):  # a ballot for another vote
        elgamal.verify(key, first, 3, "7/item_vote/4/agree|disagree|abstain")
    with pytest.raises(elgamal.InvalidBallot, match="one ciphertext and one proof per option"):
        elgamal.verify(key, {**first, "c": first["c"][:2], "p": first["p"][:2]}, 3, CONTEXT)
    small = {**first, "c": [[SMALL_ORDER.hex(), first["c"][0][1]]] + first["c"][1:]}
    with pytest.raises(elgamal.InvalidBallot, match="not a point"):
        elgamal.verify(key, small, 3, CONTEXT)
    unreduced = {**first, "s": [first["s"][0], "ff" * 32]}
    with pytest.raises(elgamal.InvalidBallot, match="not reduced"):
        elgamal.verify(key, unreduced, 3, CONTEXT)
    for malformed in (None, [], {"c": "x", "p": [], "s": []}, {"c": [], "p": [], "s": [], "extra": 1}):
        with pytest.raises(elgamal.InvalidBallot):
            elgamal.verify(key, malformed, 3, CONTEXT)

"""A meeting's ballot box: sealing it under the tellers' keys, casting, the tellers' shares, opening a total.

Each vote (matter, element, agenda item) has its own context string, bound into every proof, so a
ballot or a decryption share made for one vote is refused for another.
"""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, FormInvalid, Msg, WorkflowFailed
from engine.committee.ballots import elgamal, group as g, threshold
from engine.models import BallotKey, BallotTeller, EncryptedBallot, TallyShare


def vote_context(instance_id: int, element_id: str, item_key: str, options: list[str]) -> str:
    """What a ballot and a decryption share are bound to: the vote and its options in order."""
    return f"{instance_id}/{element_id}/{item_key}/" + "|".join(options)


def teller_salt(instance_id: int, username: str) -> str:
    """The scrypt salt of one teller's passphrase at one meeting (public)."""
    return f"powerflow/meeting/{instance_id}/teller/{username}"


def seal(session: Session, instance_id: int, tellers: list[str], teller_keys: list[str]) -> dict:
    """Draw the meeting's vote key and wrap one share per teller; the key itself is never stored."""
    if session.get(BallotKey, instance_id) is not None:
        raise WorkflowFailed(Msg("ballot.sealed"))
    if len(tellers) < 2 or len(set(tellers)) != len(tellers) or len(teller_keys) != len(tellers):
        raise WorkflowFailed(Msg("ballot.tellers_needed"))
    try:
        keys = [g.point_from_hex(k) for k in teller_keys]
    except g.BadValue:
        raise WorkflowFailed(Msg("ballot.bad_teller_key")) from None
    t = threshold.threshold_for(len(tellers))
    public_key, shares = threshold.deal(keys, t)
    session.add(BallotKey(instance_id=instance_id, public_key=public_key.hex(), threshold=t))
    for username, key, share in zip(tellers, teller_keys, shares):
        session.add(BallotTeller(instance_id=instance_id, username=username, teller_index=share.index,
                                 teller_key=key, verification_key=share.verification_key.hex(),
                                 wrap_point=share.wrap_point.hex(), wrapped=share.wrapped.hex()))
    session.flush()
    return {"threshold": t, "tellers": len(tellers), "public_key": public_key.hex()}


def cast(session: Session, instance_id: int, element_id: str, item_key: str, ballot: object,
         options: list[str], field: str = "ballot") -> None:
    """Store one ballot: a choice is encrypted here; an encrypted ballot (from the voter's client) is verified."""
    box = _box(session, instance_id)
    key, context = bytes.fromhex(box.public_key), vote_context(instance_id, element_id, item_key, options)
    if isinstance(ballot, str):
        if ballot not in options:
            raise FormInvalid({field: Msg("ballot.bad_choice")})
        ballot = elgamal.encrypt(key, options.index(ballot), len(options), context).to_json()
    try:
        elgamal.verify(key, ballot, len(options), context)
    except elgamal.InvalidBallot as err:
        raise FormInvalid({field: Msg("ballot.invalid", reason=str(err))}) from None
    session.add(EncryptedBallot(instance_id=instance_id, element_id=element_id, item_key=item_key,
                                ballot=json.dumps(ballot, separators=(",", ":"))))


def ballots(session: Session, instance_id: int, element_id: str, item_key: str) -> list[dict]:
    """The vote's stored ballots (ciphertexts and proofs), in the order they were stored."""
    rows = session.scalars(select(EncryptedBallot.ballot).where(
        EncryptedBallot.instance_id == instance_id, EncryptedBallot.element_id == element_id,
        EncryptedBallot.item_key == item_key).order_by(EncryptedBallot.id))
    return [json.loads(row) for row in rows]


def combined(session: Session, instance_id: int, element_id: str, item_key: str,
             options: int) -> tuple[list[tuple[bytes, bytes]], int]:
    """The vote's per-option sum of ciphertexts and how many ballots it holds."""
    stored = ballots(session, instance_id, element_id, item_key)
    return summed(stored, options), len(stored)


def summed(stored: list[dict], options: int) -> list[tuple[bytes, bytes]]:
    """The per-option sum of stored ballots' ciphertexts."""
    return elgamal.combine([[(bytes.fromhex(a), bytes.fromhex(b)) for a, b in ballot["c"]] for ballot in stored],
                           options)


def public_key(session: Session, instance_id: int) -> str | None:
    """The meeting's vote key (hex), once its tellers have sealed the box."""
    key = session.get(BallotKey, instance_id)
    return key.public_key if key else None


def teller_of(session: Session, instance_id: int, username: str) -> BallotTeller | None:
    return session.scalars(select(BallotTeller).where(BallotTeller.instance_id == instance_id,
                                                      BallotTeller.username == username)).first()


def share_context(session: Session, instance_id: int, element_id: str, item_key: str, options: list[str],
                  username: str) -> dict:
    """What a teller's browser needs to compute its partial decryption of the vote's totals."""
    teller = teller_of(session, instance_id, username)
    if teller is None:
        return {}
    totals, _ = combined(session, instance_id, element_id, item_key, len(options))
    return {"salt": teller_salt(instance_id, username), "kdf": dict(threshold.KDF),
            "context": vote_context(instance_id, element_id, item_key, options),
            "share": {"index": teller.teller_index, "verification_key": teller.verification_key,
                      "wrap_point": teller.wrap_point, "wrapped": teller.wrapped},
            "ciphertexts": [a.hex() for a, _b in totals]}


def record_share(session: Session, instance_id: int, element_id: str, item_key: str, options: list[str],
                 username: str, submitted: object, field: str = "tally_share") -> None:
    """Check a teller's partial decryptions against the vote's combined ciphertexts and store them."""
    teller = teller_of(session, instance_id, username)
    if teller is None:
        raise FormInvalid({field: Msg("ballot.not_teller")})
    try:
        data = json.loads(submitted) if isinstance(submitted, str) else submitted
        partials = data["partials"]
        totals, _ = combined(session, instance_id, element_id, item_key, len(options))
        if data.get("index") != teller.teller_index or not isinstance(partials, list) \
                or len(partials) != len(totals):
            raise g.BadValue("one partial decryption per option")
        context = vote_context(instance_id, element_id, item_key, options)
        X = bytes.fromhex(teller.verification_key)
        for (A, _B), partial in zip(totals, partials):
            threshold.verify_partial(X, A, partial, context)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise FormInvalid({field: Msg("ballot.bad_share", reason=str(err))}) from None
    if shares(session, instance_id, element_id, item_key, teller.teller_index):
        raise Conflict("ballot.share_given")
    session.add(TallyShare(instance_id=instance_id, element_id=element_id, item_key=item_key,
                           teller_index=teller.teller_index, partials=json.dumps(partials, separators=(",", ":"))))
    session.flush()


def opened(session: Session, instance_id: int, element_id: str, item_key: str) -> bool:
    """True once the threshold of tellers has given their shares for the vote."""
    box = session.get(BallotKey, instance_id)
    return box is not None and len(shares(session, instance_id, element_id, item_key)) >= box.threshold


def tally(session: Session, instance_id: int, element_id: str, item_key: str, choices: list[str]) -> dict[str, int]:
    """Votes per choice from the combined ciphertexts and the tellers' shares, plus the total cast."""
    box = _box(session, instance_id)
    given = shares(session, instance_id, element_id, item_key)
    if len(given) < box.threshold:
        raise WorkflowFailed(Msg("ballot.not_opened", needed=box.threshold, given=len(given)))
    totals, cast_count = combined(session, instance_id, element_id, item_key, len(choices))
    return open_totals(totals, cast_count, given[:box.threshold], choices)


def open_totals(totals: list[tuple[bytes, bytes]], cast_count: int, given: list[TallyShare],
                choices: list[str]) -> dict[str, int]:
    """The combined ciphertexts opened with a threshold of tellers' shares: votes per choice, and the total."""
    partials = {s.teller_index: json.loads(s.partials) for s in given}
    counts = {choice: threshold.open_total(B, {i: bytes.fromhex(p[j][0]) for i, p in partials.items()}, cast_count)
              for j, (choice, (_A, B)) in enumerate(zip(choices, totals))}
    counts["total"] = cast_count
    return counts


def _box(session: Session, instance_id: int) -> BallotKey:
    box = session.get(BallotKey, instance_id)
    if box is None:
        raise WorkflowFailed(Msg("ballot.no_box"))
    return box


def shares(session: Session, instance_id: int, element_id: str, item_key: str,
           teller_index: int | None = None) -> list[TallyShare]:
    """The tellers' shares given for the vote (one teller's, with ``teller_index``), in teller order."""
    query = select(TallyShare).where(TallyShare.instance_id == instance_id, TallyShare.element_id == element_id,
                                     TallyShare.item_key == item_key)
    if teller_index is not None:
        query = query.where(TallyShare.teller_index == teller_index)
    return list(session.scalars(query.order_by(TallyShare.teller_index)))

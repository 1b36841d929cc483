"""What anyone who may read a meeting can check of its secret ballots: ballots, sums, tellers' shares, totals.

No voter appears here: ballots are listed in a random order that changes on every read, so not even the
order in which they were cast can be matched against who voted when.
"""
from __future__ import annotations

import json
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.committee.meetings import ballot_options
from engine.models import Topic
from engine.committee.ballots import box
from engine.models import BallotKey, BallotTeller, EncryptedBallot


def meeting_evidence(session: Session, instance_id: int) -> dict | None:
    """The ballot box of a meeting as a verifier needs it; None when the meeting has none."""
    key = session.get(BallotKey, instance_id)
    if key is None:
        return None
    tellers = session.scalars(select(BallotTeller).where(BallotTeller.instance_id == instance_id)
                              .order_by(BallotTeller.teller_index)).all()
    votes = session.execute(select(EncryptedBallot.element_id, EncryptedBallot.item_key).where(
        EncryptedBallot.instance_id == instance_id).distinct()).all()
    return {"meeting_id": instance_id, "public_key": key.public_key, "threshold": key.threshold,
            "tellers": [{"index": t.teller_index, "username": t.username, "verification_key": t.verification_key}
                        for t in tellers],
            "votes": [_vote(session, instance_id, element, item_key, key.threshold)
                      for element, item_key in sorted(votes)]}


def _vote(session: Session, instance_id: int, element_id: str, item_key: str, threshold: int) -> dict:
    topic = session.get(Topic, int(item_key)) if item_key.isdigit() else None
    options = [value for value, _ in ballot_options(topic.kind, topic.choices)] if topic else []
    ballots = box.ballots(session, instance_id, element_id, item_key)
    combined, cast_count = box.summed(ballots, len(options)), len(ballots)
    secrets.SystemRandom().shuffle(ballots)
    given = box.shares(session, instance_id, element_id, item_key)
    opened = len(given) >= threshold
    return {"element_id": element_id, "item_key": item_key, "title": topic.title if topic else "",
            "options": options, "context": box.vote_context(instance_id, element_id, item_key, options),
            "ballots": ballots, "combined": [[a.hex(), b.hex()] for a, b in combined],
            "shares": [{"index": s.teller_index, "partials": json.loads(s.partials)} for s in given],
            "totals": box.open_totals(combined, cast_count, given[:threshold], options) if opened else None}

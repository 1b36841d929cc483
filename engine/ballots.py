"""Secret ballots (R8): counts per vote, with nothing that links a voter to a choice.

A ballot is added to a counter row; no row per ballot, no voter, no time, no order is kept.
That a member voted is recorded elsewhere (the completed human task), never what they chose.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import BallotBox
from .upsert import increment

CHOICES = ("agree", "disagree", "abstain")


def cast(session: Session, instance_id: int, element_id: str, choice: str, item_key: str = "") -> None:
    """Add one ballot to the box of (matter, vote element, agenda item)."""
    if choice not in CHOICES:
        raise ValueError(f"unknown ballot choice {choice!r}")
    increment(session, BallotBox.__table__,
              {"instance_id": instance_id, "element_id": element_id, "item_key": item_key},
              {c: int(c == choice) for c in CHOICES}, returning=False)


def tally(session: Session, instance_id: int, element_id: str, item_key: str = "") -> dict[str, int]:
    """Counts of agree, disagree and abstain, plus the total cast."""
    box = session.scalar(select(BallotBox).where(
        BallotBox.instance_id == instance_id, BallotBox.element_id == element_id, BallotBox.item_key == item_key))
    counts = {c: (getattr(box, c) or 0) if box else 0 for c in CHOICES}
    counts["total"] = sum(counts.values())
    return counts


def tallies(session: Session, instance_id: int) -> dict[str, dict[str, int]]:
    """Every vote's counts for a matter, keyed by the vote's element id."""
    boxes = session.scalars(select(BallotBox).where(BallotBox.instance_id == instance_id))
    return {(b.element_id + (f":{b.item_key}" if b.item_key else "")): {"agree": b.agree or 0, "disagree": b.disagree or 0, "abstain": b.abstain or 0,
                           "total": (b.agree or 0) + (b.disagree or 0) + (b.abstain or 0)} for b in boxes}

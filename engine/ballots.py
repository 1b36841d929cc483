"""Secret ballots (R8): counts per choice, with nothing that links a voter to a choice.

A ballot adds to counter rows; no row per ballot, no voter, no time, no order is kept. Every
ballot runs the same statements on the same rows (+1 on its choice, +0 on every other), so
neither the SQL nor which rows were written tells what was chosen. That a member voted is
recorded elsewhere (the completed human task), never what they chose.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import BallotCount
from .upsert import increment


def cast(session: Session, instance_id: int, element_id: str, choice: str, options: list[str],
         item_key: str = "") -> None:
    """Add one ballot for ``choice`` (one of ``options``) to the vote (matter, element, agenda item)."""
    if choice not in options:
        raise ValueError(f"unknown ballot choice {choice!r}")
    for option in options:
        increment(session, BallotCount.__table__,
                  {"instance_id": instance_id, "element_id": element_id, "item_key": item_key, "choice": option},
                  {"votes": int(option == choice)}, returning=False)


def tally(session: Session, instance_id: int, element_id: str, item_key: str = "",
          choices: list[str] = ()) -> dict[str, int]:
    """Votes per choice (``choices`` are listed even with no ballot yet), plus the total cast."""
    rows = session.execute(select(BallotCount.choice, BallotCount.votes).where(
        BallotCount.instance_id == instance_id, BallotCount.element_id == element_id,
        BallotCount.item_key == item_key))
    counts = {c: 0 for c in choices} | {choice: votes for choice, votes in rows}
    counts["total"] = sum(counts.values())
    return counts

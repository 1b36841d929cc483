"""What the public portal shows anyone, without signing in: published charts and decisions, and letters.

Only what is published is read here (R16): an unpublished or unknown matter is the same NotFound, so no
title leaks. A letter is found by its tracking number alone, and its writer may rate the answer (R20). Anyone may
object to a publication while its period runs.
"""
from __future__ import annotations

from datetime import datetime

from engine.public import letters, objections
from engine.storage import idempotency
from engine.committee import minutes, publications, topics
from engine.charts.live_cache import Charts
from engine.storage.database import Database
from engine.process.deployment import published_version
from engine.errors import NotFound
from engine.models import utcnow


def _published(p) -> dict:
    d = p.decision
    return {"id": p.instance_id, "title": p.title, "text": p.text, "channel": p.channel,
            "published_at": p.published_at, "objections_until": p.objections_until, "period_days": p.period_days,
            "objection_contact": p.objection_contact,
            "decision": None if d is None else {"body": d.body, "decided_at": d.decided_at, "agree": d.agree,
                                                "disagree": d.disagree, "abstain": d.abstain,
                                                "should_attend": d.should_attend, "present": d.present,
                                                "chosen": d.chosen, "choice_tally": d.choice_tally}}


class Portal:
    """The public's reads, and a letter writer's rating."""

    def __init__(self, db: Database, charts: Charts):
        self.db, self.charts = db, charts

    def recent(self, count: int) -> list[dict]:
        """The newest publications, for the catalog's front page."""
        with self.db.reader() as session:
            return [{"id": p.instance_id, "title": p.title, "published_at": p.published_at}
                    for p in publications.listing(session, count)]

    def chart(self, process_key: str) -> tuple[dict, str]:
        """A process's published chart (SVG) and what the page says about it."""
        with self.db.reader() as session:
            version = published_version(session, process_key)
            return ({"key": version.process_key, "name": version.name, "version": version.version,
                     "deployed_at": version.deployed_at}, self.charts.process_svg(version))

    def decisions(self, count: int, offset: int) -> list[dict]:
        """Published decisions, newest first."""
        with self.db.reader() as session:
            return [_published(p) for p in publications.listing(session, count, offset)]

    def decision(self, instance_id: int) -> dict:
        """One published decision, with the number of the minutes behind it (R11)."""
        with self.db.reader() as session:
            found = publications.for_instance(session, instance_id)
            if found is None:  # unpublished or unknown: the same 404, so no title leaks
                raise NotFound("public.missing")
            item = _published(found)
            if found.decision is not None:
                item["decision"]["kind"] = found.decision.topic.kind  # a 述职述廉 grade is not an election
                item["decision"]["choice_tally"] = topics.ordered_tally(found.decision)
                meeting = found.decision.meeting_id
                item["minutes_number"] = minutes.numbers(session, [meeting]).get(meeting)
            return item

    def object_to(self, instance_id: int, writer: object, contact: object, text: object, now: datetime,
                  token: object = None) -> int:
        """Record an objection to a published matter while its period runs (R16), in one transaction; with the
        form's one-time ``token`` a second submission records nothing."""
        def create(key: str | None) -> int:
            with self.db.transaction() as session:
                found = objections.submit(session, instance_id, writer, contact, text, now)
                idempotency.record(session, "objection", key, None, found, now)
                return found
        return int(idempotency.once(self.db, "objection", token, None, create)[0])

    def letter(self, number: str) -> letters.LetterStatus:
        """Where a letter stands, by its tracking number."""
        with self.db.reader() as session:
            return letters.status(session, number)

    def rate(self, number: str, rating: object, comment: object) -> None:
        """The writer rates the answer to their letter, once (R20)."""
        with self.db.transaction() as session:
            letters.rate(session, number, rating, comment, utcnow())

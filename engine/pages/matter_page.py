"""What a matter's page and its API show a user, read by the engine: the user is named, the engine decides.

A matter the user may not read does not exist for them (NotFound), so no title leaks; R15 material is
withheld from outsiders until published (``describe_for``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.collaboration import comments, followers
from engine.committee import accountability, minutes, publications, topics
from engine.pages import queries
from engine.runtime import waiting
from engine.directory.access import takes_part, visible_instance
from engine.committee.ballots.evidence import meeting_evidence
from engine.charts.live_cache import Charts, holders_by_element
from engine.storage.database import Database
from engine.directory.people import Directory
from engine.errors import NotFound
from engine.collaboration.urging import may_urge


@dataclass(frozen=True)
class MatterPage:
    """A matter as its page shows it to one user."""

    matter: dict
    chart: dict
    waiting: list
    decisions: list[dict]
    meeting_minutes: object  # this matter is a numbered meeting (R11)
    deciding_minutes: object  # the minutes that decided this matter
    urgeable: set[int]  # open steps the user may urge (催办)
    can_copy: bool  # the user takes part, so may copy the matter to others (抄送)
    people: list[tuple[str, str]]  # whom they may copy it to
    comments: list[dict] | None  # None while withheld (R15)
    following: bool
    cases: list[dict] = field(default_factory=list)  # accountability cases on it the user may read (R21)
    objections: list[dict] = field(default_factory=list)  # the public's objections to its publication (R16)


def _decision(d) -> dict:
    return {"title": d.topic.title, "outcome": d.outcome, "agree": d.agree, "disagree": d.disagree,
            "abstain": d.abstain, "should_attend": d.should_attend, "present": d.present, "ruling": d.ruling,
            "superseded": d.superseded_by_id is not None, "meeting_id": d.meeting_id, "chosen": d.chosen,
            "choice_tally": topics.ordered_tally(d), "kind": d.topic.kind}


class MatterPages:
    """Reads of one matter for the page, the API and the live chart."""

    def __init__(self, db: Database, charts: Charts):
        self.db, self.charts = db, charts

    def show(self, instance_id: int, username: str) -> MatterPage:
        """Everything the matter page shows ``username``."""
        with self.db.reader() as session:
            instance = visible_instance(session, instance_id, username)
            directory = Directory(session)
            user = directory.user(username)
            matter = queries.describe_for(session, instance, user)
            withheld = matter["withheld"]
            can_copy = takes_part(session, user, instance)
            return MatterPage(
                matter=matter, chart=self.charts.live(session, instance), waiting=waiting.waiting_for(session, instance),
                decisions=[] if withheld else [_decision(d) for d in topics.for_matter(session, instance.id)],
                meeting_minutes=minutes.find(session, instance, user),
                deciding_minutes=minutes.deciding(session, instance.id),
                urgeable={t.id for t in queries.open_tasks(session, instance.id) if may_urge(user, t)},
                can_copy=can_copy,
                people=[(u.username, u.display_name) for u in directory.users()
                        if u.active and u.id != user.id] if can_copy else [],
                comments=None if withheld else [comments.as_dict(c) for c in comments.listing(session, instance.id, user)],
                following=followers.is_following(session, user, instance.id),
                cases=accountability.cases_about(session, user, instance),
                objections=publications.objections(session, instance.id))

    def objections(self, instance_id: int, username: str) -> list[dict]:
        """The public's objections to the matter's publications (R16), for those who may read the matter."""
        with self.db.reader() as session:
            visible_instance(session, instance_id, username)
            return [{**o, "created_at": o["created_at"].isoformat()}
                    for o in publications.objections(session, instance_id)]

    def describe(self, instance_id: int, username: str) -> dict:
        """The matter as the API gives it: its description and what it waits for."""
        with self.db.reader() as session:
            instance = visible_instance(session, instance_id, username)
            return (queries.describe_for(session, instance, Directory(session).user(username))
                    | {"waiting_for": waiting.waiting_for(session, instance)})

    def ballots(self, instance_id: int, username: str) -> dict:
        """A meeting's secret ballots as a verifier needs them: ciphertexts and proofs, no voter."""
        with self.db.reader() as session:
            visible_instance(session, instance_id, username)
            evidence = meeting_evidence(session, instance_id)
        if evidence is None:
            raise NotFound("ballot.no_box")
        return evidence

    def chart(self, instance_id: int, username: str) -> dict:
        """The live chart and its step list, for the page's periodic refresh."""
        with self.db.reader() as session:
            return self.charts.live(session, visible_instance(session, instance_id, username))

    def drawing(self, instance_id: int, username: str) -> str:
        """The BPMN of the matter's own process version, as its designer drew it."""
        with self.db.reader() as session:
            return visible_instance(session, instance_id, username).process_version.bpmn_xml

    def states(self, instance_id: int, username: str) -> dict:
        """Each element's state, the flows taken and who holds the current steps (for the "as drawn" view)."""
        with self.db.reader() as session:
            instance = visible_instance(session, instance_id, username)
            state = instance.chart_state or {}
            return {"elements": state.get("elements") or {}, "flows": state.get("flows") or [],
                    "holders": holders_by_element(session, instance.id)}

    def live_svg(self, instance_id: int, username: str) -> str:
        """The matter's live flowchart as SVG."""
        with self.db.reader() as session:
            return self.charts.live_svg(session, visible_instance(session, instance_id, username))

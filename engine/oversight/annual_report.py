"""The annual summary (总结完善, R20): a body's year, for the office to file and report upward."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from engine.committee.accountability import CASE_PROCESS, case_outcomes
from engine.committee.meetings import BODIES
from engine.committee.topics import KIND_LABELS, ordered_tally
from engine.directory.access import is_auditor
from engine.directory.people import Directory
from engine.errors import Forbidden, FormInvalid, Msg
from engine.models import Decision, Instance, Objection, Publication, Topic
from engine.oversight.indicators import Indicators, indicators, report_year, within, year_bounds
from engine.process.catalog import load_catalog
from engine.storage.database import Database

DUTY_REPORT = "duty_report"  # the topic kind of a 述职述廉 (processes/duty_report.bpmn)
# besides auditors: the office files the report, and the members of the bodies read their own evaluation
READERS = {"办公室", "书记", "常委", "全委委员"}


@dataclass(frozen=True)
class AnnualReport:
    """What the year's report says: its number and title, the figures, and the lists behind them."""

    body: str
    year: int
    number: str  # the filed number, 常委会年报〔2026〕: the document shows it in the reader's language
    title: str
    indicators: Indicators
    decisions: list[dict]
    publications: list[dict]
    cases: list[dict]
    objections: int = 0  # objections the public sent to publications during their periods (R16)
    duty_reports: list[dict] = field(default_factory=list)  # 述职述廉 assessed by the plenary (R21)


def checked_request(body: object, year: object) -> tuple[str, int]:
    """The body and year asked for; FormInvalid naming each that is not one."""
    errors = {}
    if body not in BODIES:
        errors["body"] = Msg("body.missing", name=body)
    number = report_year(year)
    if number is None:
        errors["year"] = Msg("minutes.bad_year")
    if errors:
        raise FormInvalid(errors)
    return str(body), int(number)


def _decisions(session, body: str, bounds) -> list[dict]:
    rows = session.scalars(select(Decision).join(Topic, Topic.id == Decision.topic_id).where(
        Decision.body == body, within(Decision.decided_at, bounds)).order_by(Decision.decided_at, Decision.id)).all()
    return [{"title": d.topic.title, "kind": KIND_LABELS.get(d.topic.kind, d.topic.kind), "outcome": d.outcome,
             "decided_at": d.decided_at, "agree": d.agree, "should_attend": d.should_attend,
             "superseded": d.superseded_by_id is not None} for d in rows]


def _publications(session, bounds) -> list[dict]:
    rows = session.scalars(select(Publication).where(within(Publication.published_at, bounds))
                           .order_by(Publication.published_at, Publication.id)).all()
    return [{"title": p.title, "published_at": p.published_at, "channel": p.channel, "period_days": p.period_days}
            for p in rows]


def _cases(session, bounds) -> list[dict]:
    cases = session.scalars(select(Instance).where(Instance.process_key == CASE_PROCESS, within(Instance.started_at, bounds))
                            .order_by(Instance.id)).all()
    outcomes = case_outcomes(session, [c.id for c in cases])
    return [{"title": c.title, "started_at": c.started_at, "outcome": outcomes.get(c.id)} for c in cases]


def _objections(session, bounds) -> int:
    return session.scalar(select(func.count()).select_from(Objection).where(within(Objection.created_at, bounds))) or 0


def _duty_reports(session, bounds) -> list[dict]:
    """The year's 述职述廉 assessments: whose, the grade the plenary's ballot gave (None: no grade had a majority)."""
    rows = session.scalars(select(Decision).join(Topic, Topic.id == Decision.topic_id).where(
        Topic.kind == DUTY_REPORT, within(Decision.decided_at, bounds)).order_by(Decision.decided_at, Decision.id)).all()
    return [{"member": d.topic.member_in_charge.display_name if d.topic.member_in_charge else d.topic.title,
             "grade": d.chosen, "decided_at": d.decided_at, "abstain": d.abstain, "tally": ordered_tally(d) or {}}
            for d in rows]


class AnnualReports:
    """Builds a body's annual report for the office, the secretary and the auditors."""

    def __init__(self, db: Database, processes_dir: Path):
        self.db, self.processes_dir = db, Path(processes_dir)

    def for_reader(self, username: str, body: object, year: object, now: datetime) -> AnnualReport:
        """The report as ``username`` asks for it: Forbidden unless office, a body's member or auditor."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            if not (is_auditor(user) or READERS & set(user.role_names)):
                raise Forbidden("access.report_readers")
        return self.build(body, year, now)

    def figures(self, body: object, year: object, now: datetime) -> Indicators:
        """The year's figures alone, which anyone may read (the portal's summary): counts and rates, no names."""
        body, year = checked_request(body, year)
        with self.db.reader() as session:
            return indicators(session, body, year, load_catalog(self.processes_dir), now)

    def build(self, body: object, year: object, now: datetime) -> AnnualReport:
        """The report of ``body`` for ``year`` (the CLI's, run by the server's operator); FormInvalid for a bad one."""
        body, year = checked_request(body, year)
        with self.db.reader() as session:
            bounds = year_bounds(year)
            figures = indicators(session, body, year, load_catalog(self.processes_dir), now)
            return AnnualReport(body=body, year=year, number=f"{body}年报〔{year}〕",
                                title=f"{body}{year}年度权力公开透明运行情况报告", indicators=figures,
                                decisions=_decisions(session, body, bounds), publications=_publications(session, bounds),
                                cases=_cases(session, bounds), objections=_objections(session, bounds),
                                duty_reports=_duty_reports(session, bounds))

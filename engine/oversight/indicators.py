"""Effect evaluation (R20): how the open running of power went in a year, computed from what is recorded.

Every figure is a count over the year's rows (Beijing calendar year), with the rate it implies, so an auditor
can check each one against the lists it comes from.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.committee import publications
from engine.committee.accountability import CASE_PROCESS, case_outcomes
from engine.committee.topics import KIND_LABELS
from engine.committee.workdays import LOCAL_TZ
from engine.models import Decision, HumanTask, Instance, Letter, Publication, Topic
from engine.oversight.surveys import SurveyFigures, figures as survey_figures
from engine.process.catalog import Power
from engine.status import TaskState

INQUIRY_PROCESS, LETTER_REPLY = "inquiry", "reply"


@dataclass(frozen=True)
class Ratio:
    """``part`` of ``whole``; ``rate`` is None when there is nothing to measure."""

    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return round(self.part / self.whole, 4) if self.whole else None


@dataclass(frozen=True)
class Indicators:
    """A body's year in figures."""

    body: str
    year: int
    catalog_coverage: Ratio  # the body's powers that run as a process
    decisions_by_kind: dict[str, int]  # passed and not, by the topic's kind label
    decisions_passed: int
    decisions_published: Ratio  # passed decisions whose matter was published (R16)
    published_on_time: Ratio  # passed decisions published by their publishing step's due time
    steps_on_time: Ratio  # steps with a due time completed by it
    letters_answered_on_time: Ratio  # public letters replied to by the reply step's due time (R19)
    satisfaction: float | None  # the writers' average rating, 1–5
    ratings: int
    cases_by_outcome: dict[str, int] = field(default_factory=dict)  # accountability cases opened (R21)
    inquiries: int = 0
    inquiries_answered_late: int = 0
    survey: SurveyFigures | None = None  # the public's and supervisors' answers to the year's survey


def report_year(value: object) -> int | None:
    """A year a reader asked for (a whole number from 2000 to 2100, or its digits), else None."""
    number = int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdecimal()) else None
    return number if number is not None and 2000 <= number <= 2100 else None


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year's first and last instant as Beijing time counts them, as aware datetimes."""
    return (datetime.combine(datetime(year, 1, 1).date(), time.min, LOCAL_TZ),
            datetime.combine(datetime(year + 1, 1, 1).date(), time.min, LOCAL_TZ))


def within(column, bounds):
    """Rows whose ``column`` falls in the year's ``bounds``."""
    return (column >= bounds[0]) & (column < bounds[1])


def _publications(session: Session, matters: set[int]) -> tuple[set[int], set[int]]:
    """The matters published, and those whose first publication came by its step's due time (a step without a due
    time is on time)."""
    if not matters:
        return set(), set()
    rows = session.execute(
        select(Publication.instance_id, Publication.published_at, HumanTask.due_at)
        .outerjoin(HumanTask, publications.MADE_BY_STEP)
        .where(Publication.instance_id.in_(matters)).order_by(Publication.published_at, Publication.id)).all()
    first: dict[int, bool] = {}
    for matter, published_at, due_at in rows:
        first.setdefault(matter, due_at is None or published_at <= due_at)
    return set(first), {matter for matter, on_time in first.items() if on_time}


def _decisions(session: Session, body: str, bounds) -> tuple[dict[str, int], int, Ratio, Ratio]:
    rows = session.execute(select(Topic.kind, Decision.outcome, Topic.instance_id).join(Topic, Topic.id == Decision.topic_id)
                           .where(Topic.body == body, within(Decision.decided_at, bounds),
                                  Decision.superseded_by_id.is_(None))).all()
    kinds = Counter(KIND_LABELS.get(kind, kind) for kind, _, _ in rows)
    passed = {matter for _, outcome, matter in rows if outcome == "passed"}
    published, on_time = _publications(session, passed)
    return dict(sorted(kinds.items())), len(passed), Ratio(len(published), len(passed)), Ratio(len(on_time), len(passed))


def _steps_on_time(session: Session, bounds) -> Ratio:
    due = (HumanTask.state == TaskState.COMPLETED) & HumanTask.due_at.is_not(None) & within(HumanTask.completed_at, bounds)
    total = session.scalar(select(func.count()).select_from(HumanTask).where(due)) or 0
    late = session.scalar(select(func.count()).select_from(HumanTask).where(
        due, HumanTask.completed_at > HumanTask.due_at)) or 0
    return Ratio(total - late, total)


def _letters(session: Session, bounds) -> tuple[Ratio, float | None, int]:
    replies = session.execute(select(HumanTask.completed_at, HumanTask.due_at).join(
        Letter, Letter.instance_id == HumanTask.instance_id).where(
        HumanTask.element_id == LETTER_REPLY, HumanTask.state == TaskState.COMPLETED,
        within(HumanTask.completed_at, bounds))).all()
    on_time = sum(1 for done, due in replies if due is None or done <= due)
    rated = session.execute(select(func.avg(Letter.rating), func.count(Letter.rating)).where(
        Letter.rating.is_not(None), within(Letter.rated_at, bounds))).one()
    average = round(float(rated[0]), 2) if rated[1] else None
    return Ratio(on_time, len(replies)), average, int(rated[1])


def _cases(session: Session, bounds) -> dict[str, int]:
    cases = session.scalars(select(Instance.id).where(Instance.process_key == CASE_PROCESS,
                                                      within(Instance.started_at, bounds))).all()
    decided = case_outcomes(session, list(cases))
    return dict(sorted(Counter(decided.get(case) or "办理中" for case in cases).items()))


def _inquiries(session: Session, bounds, now: datetime) -> tuple[int, int]:
    asked = session.scalars(select(Instance.id).where(Instance.process_key == INQUIRY_PROCESS,
                                                      within(Instance.started_at, bounds))).all()
    if not asked:
        return 0, 0
    late = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.instance_id.in_(asked), HumanTask.element_id == "answer", HumanTask.due_at.is_not(None),
        ((HumanTask.state == TaskState.COMPLETED) & (HumanTask.completed_at > HumanTask.due_at))
        | ((HumanTask.state == TaskState.READY) & (HumanTask.due_at < now))))
    return len(asked), int(late or 0)


def indicators(session: Session, body: str, year: int, catalog: list[Power], now: datetime) -> Indicators:
    """The body's figures for ``year`` (an unanswered inquiry counts as late once ``now`` is past its due time)."""
    bounds = year_bounds(year)
    powers = [p for p in catalog if p.body == body]
    kinds, passed, published, on_time = _decisions(session, body, bounds)
    letters, satisfaction, ratings = _letters(session, bounds)
    asked, late = _inquiries(session, bounds, now)
    return Indicators(body=body, year=year, catalog_coverage=Ratio(sum(1 for p in powers if p.process), len(powers)),
                      decisions_by_kind=kinds, decisions_passed=passed, decisions_published=published,
                      published_on_time=on_time,
                      steps_on_time=_steps_on_time(session, bounds), letters_answered_on_time=letters,
                      satisfaction=satisfaction, ratings=ratings, cases_by_outcome=_cases(session, bounds),
                      inquiries=asked, inquiries_answered_late=late, survey=survey_figures(session, body, year))

"""The satisfaction surveys of effect evaluation (R20): the public answers anonymously, each supervisor once a year."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.committee.meetings import BODIES
from engine.committee.workdays import LOCAL_TZ
from engine.directory.people import Directory
from engine.errors import Conflict, Forbidden, FormInvalid, Msg
from engine.models import SurveyResponse
from engine.storage.database import Database

PUBLIC, SUPERVISOR = "public", "supervisor"
SUPERVISOR_ROLE = "监督员"
MAX_COMMENT = 2000


@dataclass(frozen=True)
class SurveyFigures:
    """A body's year of survey answers: the average score (1–5) and how many answered, per kind of respondent."""

    public: float | None
    public_count: int
    supervisors: float | None
    supervisor_count: int


def _checked(body: object, score: object, comment: object) -> tuple[str, int, str | None]:
    errors = {}
    if body not in BODIES:
        errors["body"] = Msg("body.missing", name=body)
    number = int(score) if isinstance(score, int) or (isinstance(score, str) and score.isdecimal()) else None
    if number is None or not 1 <= number <= 5:
        errors["score"] = Msg("survey.score")
    text = comment.strip() if isinstance(comment, str) else ""
    if len(text) > MAX_COMMENT:
        errors["comment"] = Msg("form.max_length", count=MAX_COMMENT)
    if errors:
        raise FormInvalid(errors)
    return str(body), int(number), text or None


def figures(session: Session, body: str, year: int) -> SurveyFigures:
    """The survey's averages for ``body`` in ``year``."""
    rows = dict((kind, (avg, count)) for kind, avg, count in session.execute(
        select(SurveyResponse.respondent, func.avg(SurveyResponse.score), func.count()).where(
            SurveyResponse.body == body, SurveyResponse.year == year).group_by(SurveyResponse.respondent)))
    public, supervisors = rows.get(PUBLIC, (None, 0)), rows.get(SUPERVISOR, (None, 0))
    return SurveyFigures(round(float(public[0]), 2) if public[1] else None, int(public[1]),
                         round(float(supervisors[0]), 2) if supervisors[1] else None, int(supervisors[1]))


class Surveys:
    """Answers to the yearly survey: the public's through the portal, supervisors' once each."""

    def __init__(self, db: Database):
        self.db = db

    def public_answer(self, body: object, score: object, comment: object, now: datetime) -> None:
        """An anonymous answer from the portal (its rate limit keeps one visitor from flooding it)."""
        body, score, comment = _checked(body, score, comment)
        with self.db.transaction() as session:
            session.add(SurveyResponse(body=body, year=now.astimezone(LOCAL_TZ).year, respondent=PUBLIC,
                                       score=score, comment=comment, created_at=now))

    def supervisor_answer(self, username: str, body: object, score: object, comment: object, now: datetime) -> None:
        """A supervisor's answer for this year; Forbidden for others, Conflict when already given."""
        body, score, comment = _checked(body, score, comment)
        try:
            with self.db.transaction() as session:
                user = Directory(session).user(username)
                if SUPERVISOR_ROLE not in user.role_names:
                    raise Forbidden("survey.supervisors_only")
                session.add(SurveyResponse(body=body, year=now.astimezone(LOCAL_TZ).year, respondent=SUPERVISOR,
                                           user_id=user.id, score=score, comment=comment, created_at=now))
        except IntegrityError:
            raise Conflict("survey.answered") from None

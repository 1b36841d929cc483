"""The satisfaction surveys of effect evaluation (R20): the public answers anonymously, each supervisor once a year.

An answer scores each of ``QUESTIONS`` from 1 to 5; the last is overall satisfaction, the figure the indicators and
the public summary lead with.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
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
# What 效果评估 asks of the open running (seed 004): is it complete, timely, does it answer, and overall.
WORDING = {"openness": "survey.q_openness", "timeliness": "survey.q_timeliness",
           "responsiveness": "survey.q_responsiveness", "overall": "survey.q_overall"}  # code → message
QUESTIONS, OVERALL = tuple(WORDING), "overall"


def question_label(code: str) -> Msg:
    """The question's wording, as a message the edge translates."""
    return Msg(WORDING[code])


def field_name(code: str) -> str:
    """The form field that carries the score of question ``code``."""
    return f"score_{code}"


@dataclass(frozen=True)
class QuestionFigures:
    """One question's average score (1–5) from the public and from supervisors; None where nobody answered it."""

    code: str
    public: float | None
    supervisors: float | None


@dataclass(frozen=True)
class SurveyFigures:
    """A body's year of survey answers: the overall average and how many answered, per kind of respondent, and each
    question's averages."""

    public: float | None
    public_count: int
    supervisors: float | None
    supervisor_count: int
    questions: tuple[QuestionFigures, ...] = ()


def _score(value: object) -> int | None:
    number = value if isinstance(value, int) else int(value) if isinstance(value, str) and value.isdecimal() else None
    return number if number is not None and 1 <= number <= 5 else None


def _checked(body: object, scores: object, comment: object) -> tuple[str, dict[str, int], str | None]:
    errors = {}
    if body not in BODIES:
        errors["body"] = Msg("body.missing", name=body)
    given = scores if isinstance(scores, dict) else {}
    answers = {code: _score(given.get(code)) for code in QUESTIONS}
    errors.update({field_name(code): Msg("survey.score") for code, score in answers.items() if score is None})
    text = comment.strip() if isinstance(comment, str) else ""
    if len(text) > MAX_COMMENT:
        errors["comment"] = Msg("form.max_length", count=MAX_COMMENT)
    if errors:
        raise FormInvalid(errors)
    return str(body), answers, text or None


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def figures(session: Session, body: str, year: int) -> SurveyFigures:
    """The survey's averages for ``body`` in ``year``; an answer from before the questions counts only overall."""
    rows = session.execute(select(SurveyResponse.respondent, SurveyResponse.score, SurveyResponse.answers).where(
        SurveyResponse.body == body, SurveyResponse.year == year)).all()
    scores = {(kind, code): [] for kind in (PUBLIC, SUPERVISOR) for code in QUESTIONS}
    for kind, overall, answers in rows:
        for code in QUESTIONS:
            value = overall if code == OVERALL else (answers or {}).get(code)
            if isinstance(value, int) and (kind, code) in scores:
                scores[kind, code].append(value)
    public, supervisors = scores[PUBLIC, OVERALL], scores[SUPERVISOR, OVERALL]
    questions = tuple(QuestionFigures(code, _average(scores[PUBLIC, code]), _average(scores[SUPERVISOR, code]))
                      for code in QUESTIONS)
    return SurveyFigures(_average(public), len(public), _average(supervisors), len(supervisors), questions)


class Surveys:
    """Answers to the yearly survey: the public's through the portal, supervisors' once each; ``scores`` maps each
    question code to its score (1–5, or its decimal text)."""

    def __init__(self, db: Database):
        self.db = db

    def public_answer(self, body: object, scores: object, comment: object, now: datetime) -> None:
        """An anonymous answer from the portal (its rate limit keeps one visitor from flooding it)."""
        body, answers, comment = _checked(body, scores, comment)
        with self.db.transaction() as session:
            session.add(SurveyResponse(body=body, year=now.astimezone(LOCAL_TZ).year, respondent=PUBLIC,
                                       score=answers[OVERALL], answers=answers, comment=comment, created_at=now))

    def supervisor_answer(self, username: str, body: object, scores: object, comment: object, now: datetime) -> None:
        """A supervisor's answer for this year; Forbidden for others, Conflict when already given."""
        body, answers, comment = _checked(body, scores, comment)
        try:
            with self.db.transaction() as session:
                user = Directory(session).user(username)
                if SUPERVISOR_ROLE not in user.role_names:
                    raise Forbidden("survey.supervisors_only")
                session.add(SurveyResponse(body=body, year=now.astimezone(LOCAL_TZ).year, respondent=SUPERVISOR,
                                           user_id=user.id, score=answers[OVERALL], answers=answers, comment=comment,
                                           created_at=now))
        except IntegrityError:
            raise Conflict("survey.answered") from None

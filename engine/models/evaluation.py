"""Effect evaluation (R20): the satisfaction surveys answered by the public and by supervisors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime, utcnow


class SurveyResponse(Base):
    """One answer to a body's yearly survey: a score of 1–5 per question (``score`` is overall satisfaction) and an
    optional comment; a supervisor answers once."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("body", "year", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer, index=True)
    respondent: Mapped[str] = mapped_column(String(16))  # public, supervisor
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None for the public, who stay anonymous
    score: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict | None] = mapped_column(JSONType)  # question code → 1–5; None for answers before 0020
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Independent annual number series without gaps or duplicates, e.g. minutes (R11)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.models import NumberSeries
from engine.storage.upsert import increment


def next_number(session: Session, series: str, year: int) -> int:
    """Take the next number of ``series`` in ``year``; rolled back with the transaction."""
    return increment(session, NumberSeries.__table__, {"name": series, "year": year}, {"last_number": 1})[0]


def format_number(series: str, year: int, number: int) -> str:
    """Official style, e.g. 常委会纪要〔2026〕第7号."""
    return f"{series}〔{year}〕第{number}号"

"""Times for people: always Beijing time, written the Chinese way (2026年11月22日 14:05) or the English way."""
from __future__ import annotations

from datetime import date, datetime, timezone

from engine.committee.workdays import LOCAL_TZ

from webui.http.language import chosen_locale

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def beijing(value) -> datetime | date | None:
    """A stored time (datetime or ISO 8601 text; naive means UTC) in Beijing time; a bare date stays a date."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # the database stores UTC
    return value.astimezone(LOCAL_TZ)


def _english() -> bool:
    return chosen_locale() == "en"


def format_date(value) -> str:
    """The day in Beijing: 2026年11月22日, or 22 Nov 2026 in English."""
    moment = beijing(value)
    if moment is None:
        return ""
    if _english():
        return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日"


def format_datetime(value) -> str:
    """Day and minute in Beijing: 2026年11月22日 14:05, or 22 Nov 2026, 14:05 in English."""
    moment = beijing(value)
    if not isinstance(moment, datetime):
        return format_date(moment)
    separator = ", " if _english() else " "
    return f"{format_date(moment)}{separator}{moment:%H:%M}"


def format_short(value) -> str:
    """Month, day and minute in Beijing for dense tables: 11月22日 14:05, or 22 Nov 14:05 in English."""
    moment = beijing(value)
    if not isinstance(moment, datetime):
        return format_date(moment)
    if _english():
        return f"{moment.day} {MONTHS[moment.month - 1]} {moment:%H:%M}"
    return f"{moment.month:02d}月{moment.day:02d}日 {moment:%H:%M}"


def init_app(app) -> None:
    """Register the filters every template uses to show a time."""
    app.jinja_env.filters.update(local_time=format_datetime, local_date=format_date, short_time=format_short)

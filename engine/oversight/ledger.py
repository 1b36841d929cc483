"""The accountability ledger (R21): per official and per body, what is on record — the decisions they were in charge
of, steps done late and by how much, R14 and R18 reports late or not made, urgings received, the ratings of the
letters they handled, the inquiries and interpellations put to them (answered late or not at all, and how the asker
rated the answer), and the accountability cases that name them with their outcome.

The discipline commission and supervisors read every entry; any other signed-in user reads only their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy.orm import Session

from engine.committee.meetings import BODIES
from engine.directory.access import is_auditor
from engine.directory.people import Directory
from engine.errors import Forbidden, FormInvalid, Msg
from engine.models import User
from engine.oversight import ledger_accountability, ledger_records as found
from engine.oversight.indicators import report_year, year_bounds
from engine.oversight.ledger_accountability import CaseAgainst, InquiryAnswer
from engine.oversight.ledger_records import (DecisionTaken, HandledLetter, LateStep, Report, Scope, Urging,
                                             body_of_role)
from engine.storage.database import Database

OFFICIAL, BODY = "official", "body"
ALWAYS_LISTED = ("常委", "全委委员")  # members of both bodies have an entry even with nothing on record


@dataclass(frozen=True)
class Records:
    """Every record behind an entry, or behind the whole ledger, each kind in time order."""

    decisions: list[DecisionTaken] = field(default_factory=list)
    late_steps: list[LateStep] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    urgings: list[Urging] = field(default_factory=list)
    letters: list[HandledLetter] = field(default_factory=list)
    inquiries: list[InquiryAnswer] = field(default_factory=list)
    cases: list[CaseAgainst] = field(default_factory=list)

    def only(self, keep) -> "Records":
        """The records for which ``keep(record)`` holds."""
        return Records(*([r for r in getattr(self, name) if keep(r)] for name in KINDS))


KINDS = ("decisions", "late_steps", "reports", "urgings", "letters", "inquiries", "cases")


def hours(delta: timedelta) -> float:
    """A delay in hours, to a tenth (as the exported file gives it)."""
    return round(delta.total_seconds() / 3600, 1)


def split_delay(delta: timedelta) -> tuple[int, int, int]:
    """A delay as whole days, hours and minutes (rounded down to the minute)."""
    minutes = int(delta.total_seconds() // 60)
    return minutes // 1440, minutes % 1440 // 60, minutes % 60


def average_rating(letters: Iterable[HandledLetter]) -> float | None:
    """The writers' average rating (1–5) of the rated letters, to a hundredth; None when none is rated."""
    ratings = [letter.rating for letter in letters if letter.rating is not None]
    return round(sum(ratings) / len(ratings), 2) if ratings else None


@dataclass(frozen=True)
class Entry:
    """One official's (``key`` a username) or one body's line of the ledger, with the records behind it."""

    kind: str
    key: str
    name: str
    records: Records

    @property
    def decisions(self) -> int:
        return len(self.records.decisions)

    @property
    def late_steps(self) -> int:
        return len(self.records.late_steps)

    @property
    def total_late(self) -> timedelta:
        return sum((s.late_by for s in self.records.late_steps), timedelta())

    @property
    def longest_late(self) -> timedelta:
        return max((s.late_by for s in self.records.late_steps), default=timedelta())

    @property
    def late_reports(self) -> int:
        return sum(1 for r in self.records.reports if not r.missing)

    @property
    def missing_reports(self) -> int:
        return sum(1 for r in self.records.reports if r.missing)

    @property
    def urgings(self) -> int:
        return len(self.records.urgings)

    @property
    def letters(self) -> int:
        return len(self.records.letters)

    @property
    def rated(self) -> int:
        return sum(1 for letter in self.records.letters if letter.rating is not None)

    @property
    def average_rating(self) -> float | None:
        return average_rating(self.records.letters)

    @property
    def inquiries(self) -> int:
        return len(self.records.inquiries)

    @property
    def inquiries_late(self) -> int:
        """Answers given late, or not given past their due time."""
        return sum(1 for i in self.records.inquiries if i.late)

    @property
    def inquiries_unanswered(self) -> int:
        """Answers still not given past their due time."""
        return sum(1 for i in self.records.inquiries if i.late and i.unanswered)

    @property
    def inquiries_unsatisfied(self) -> int:
        return sum(1 for i in self.records.inquiries if i.unsatisfied)

    @property
    def cases(self) -> int:
        return len(self.records.cases)

    @property
    def cases_sanctioned(self) -> int:
        """Cases decided with an outcome other than 不予问责."""
        return sum(1 for c in self.records.cases if c.sanctioned)


def by_official(records: Records, listed: dict[str, str]) -> list[Entry]:
    """An entry per official: each of ``listed`` (username → name) in its order, then whoever else a record names."""
    names = dict(listed)
    for name in KINDS:
        for record in getattr(records, name):
            if record.official is not None:
                names.setdefault(record.official, record.official_name or record.official)
    return [Entry(OFFICIAL, key, name, records.only(lambda r, key=key: r.official == key))
            for key, name in names.items()]


def by_body(records: Records, listed: Iterable[str]) -> list[Entry]:
    """An entry per body: each of ``listed`` in its order, then every other body a record names, alphabetically."""
    named = {record.body for name in KINDS for record in getattr(records, name) if record.body is not None}
    bodies = list(dict.fromkeys([*listed, *sorted(named)]))
    return [Entry(BODY, body, body, records.only(lambda r, body=body: r.body == body)) for body in bodies]


def checked_year(year: object) -> int | None:
    """The year asked for, None for all years; FormInvalid unless a whole number from 2000 to 2100."""
    if year is None or year == "":
        return None
    number = report_year(year)
    if number is None:
        raise FormInvalid({"year": Msg("minutes.bad_year")})
    return number


@dataclass(frozen=True)
class LedgerQuery:
    """What the reader asked for: a year (or all), and one official or one body (or the whole ledger)."""

    year: int | None = None
    official: str | None = None
    body: str | None = None

    @classmethod
    def from_args(cls, args) -> "LedgerQuery":
        """Read the query string; FormInvalid naming each value that cannot be used."""
        official, body = (args.get("official") or "").strip() or None, (args.get("body") or "").strip() or None
        errors = {}
        try:
            year = checked_year((args.get("year") or "").strip())
        except FormInvalid as invalid:
            errors, year = invalid.errors, None
        if official and body:
            errors["body"] = Msg("ledger.official_or_body")
        if errors:
            raise FormInvalid(errors)
        return cls(year, official, body)


@dataclass(frozen=True)
class LedgerView:
    """The entries a reader asked for and may read, and every record behind them."""

    year: int | None
    everyone: bool  # the reader may read every entry (纪委, 监督员)
    officials: list[Entry]
    bodies: list[Entry]
    records: Records


def _records(session: Session, scope: Scope, now: datetime) -> Records:
    return Records(found.decisions(session, scope), found.late_steps(session, scope),
                   found.reports(session, scope, now), found.urgings(session, scope), found.letters(session, scope),
                   ledger_accountability.inquiries(session, scope, now), ledger_accountability.cases(session, scope))


def _scope(year: int | None, **narrowed) -> Scope:
    return Scope(year_bounds(year) if year is not None else None, **narrowed)


class Ledger:
    """The ledger's reads, each checked against the reader's roles, each in one transaction; ``year`` is a Beijing
    calendar year (None or "" for all years), FormInvalid unless from 2000 to 2100."""

    def __init__(self, db: Database):
        self.db = db

    def overview(self, username: str, year: object, now: datetime) -> LedgerView:
        """Every official's and body's entry for an auditor; the reader's own entry for anyone else."""
        year = checked_year(year)
        with self.db.reader() as session:
            reader = Directory(session).user(username)
            if not is_auditor(reader):
                return self._official(session, reader, year, now, everyone=False)
            records = _records(session, _scope(year), now)
            members = [u for role in ALWAYS_LISTED for u in Directory(session).members_of(role)]
            listed = {u.username: u.display_name for u in members}
            return LedgerView(year, True, by_official(records, listed), by_body(records, BODIES), records)

    def official(self, username: str, official: str, year: object, now: datetime) -> LedgerView:
        """One official's entry: Forbidden unless it is the reader's own or the reader is an auditor."""
        year = checked_year(year)
        with self.db.reader() as session:
            directory = Directory(session)
            reader = directory.user(username)
            everyone = is_auditor(reader)
            if official != username and not everyone:
                raise Forbidden("ledger.own_only")
            subject = directory.find(official)
            if subject is None:
                raise FormInvalid({"official": Msg("user.missing", username=official)})
            return self._official(session, subject, year, now, everyone)

    def body(self, username: str, body: str, year: object, now: datetime) -> LedgerView:
        """One body's entry, for auditors only; FormInvalid for a body no role stands for."""
        year = checked_year(year)
        with self.db.reader() as session:
            directory = Directory(session)
            if not is_auditor(directory.user(username)):
                raise Forbidden("ledger.bodies_auditors_only")
            if body not in set(BODIES) | {body_of_role(role) for role in directory.role_names()}:
                raise FormInvalid({"body": Msg("ledger.unknown_body", name=body)})
            records = _records(session, _scope(year, body=body), now)
            return LedgerView(year, True, [], by_body(records, [body])[:1], records)

    def _official(self, session: Session, subject: User, year: int | None, now: datetime, everyone: bool) -> LedgerView:
        records = _records(session, _scope(year, user_id=subject.id), now)
        entry = by_official(records, {subject.username: subject.display_name})[:1]
        return LedgerView(year, everyone, entry, [], records)

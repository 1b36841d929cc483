"""What the operator's command line does, as engine calls: the directory, the official calendar, deploying
processes/, preparing a database, and verifying the audit chain. Each is one transaction or one read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.audit import chain as audit_chain
from engine.ops import demo
from engine.committee.calendar_days import entered_days, load_calendar, remove_day, set_day
from engine.storage.database import Database
from engine.process.deployment import DeployResult, deploy_directory
from engine.directory.people import Directory
from engine.directory.logins import revoke_tokens


@dataclass(frozen=True)
class Account:
    """A user as the operator sees one."""

    username: str
    display_name: str
    active: bool
    roles: list[str]


@dataclass(frozen=True)
class OfficialDay:
    """A day the operator entered: a holiday, or a make-up working day."""

    day: date
    workday: bool
    note: str


def _account(user) -> Account:
    return Account(user.username, user.display_name, user.active, list(user.role_names))


class Administration:
    """The operator's actions on one database."""

    def __init__(self, db: Database, processes_dir: Path):
        self.db, self.processes_dir = db, Path(processes_dir)

    def accounts(self) -> list[Account]:
        """Every user, with roles."""
        with self.db.reader() as session:
            return [_account(u) for u in Directory(session).users()]

    def save_account(self, username: str, display_name: str | None, password: str | None,
                     roles: list[str] | None) -> Account:
        """Create or change a user (FormInvalid names what is wrong)."""
        with self.db.transaction() as session:
            return _account(Directory(session).save_user(username, display_name, password, roles))

    def deactivate(self, username: str) -> None:
        """Stop a user from signing in; their record stays."""
        with self.db.transaction() as session:
            Directory(session).save_user(username, active=False)

    def revoke(self, username: str) -> None:
        """End every token and web session of a user."""
        with self.db.transaction() as session:
            revoke_tokens(session, username)

    def set_field(self, field: str, username: str) -> None:
        """Name the member in charge (分管常委) of a field."""
        with self.db.transaction() as session:
            Directory(session).set_field(field, username)

    def enter_day(self, day: date, workday: bool, note: str) -> OfficialDay:
        """Enter or correct one official day (R4)."""
        with self.db.transaction() as session:
            entry = set_day(session, day, workday, note)
            return OfficialDay(entry.day, entry.workday, entry.note)

    def forget_day(self, day: date) -> bool:
        """Forget an entered day; True when there was one."""
        with self.db.transaction() as session:
            return remove_day(session, day)

    def days(self, year: int | None) -> tuple[list[OfficialDay], int | None]:
        """The entered days (of a year), and that year's number of working days."""
        with self.db.reader() as session:
            days = [OfficialDay(d.day, d.workday, d.note) for d in entered_days(session, year)]
            total = (load_calendar(session).working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
                     if year is not None else None)
            return days, total

    def deploy(self, deployed_by: str) -> list[DeployResult]:
        """Deploy every process in processes/: changed ones become new versions."""
        with self.db.transaction() as session:
            return deploy_directory(session, self.processes_dir, deployed_by)

    def prepare(self, with_demo: bool) -> None:
        """Migrate the schema and create the standard roles (and the demo people)."""
        self.db.migrate()
        with self.db.transaction() as session:
            Directory(session).ensure_roles()
            if with_demo:
                demo.create_people(session)

    def verify_audit(self) -> audit_chain.Verdict:
        """Walk the audit chain and report every break."""
        with self.db.reader() as session:
            return audit_chain.verify(session)

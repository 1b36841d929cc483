"""Accounts kept by a directory: created and updated from what it says, deactivated when it drops them.

A deactivated user's open tasks stay where they are, on record, and are reported for handing over (转办)
(engine/ops/directory_sync.py tells the administrators): moving them silently would lose who was meant to act.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.ldap_source import Person
from engine.directory.people import Directory, hash_password
from engine.models import HumanTask, Role, User
from engine.status import TaskState, UserSource

@dataclass(frozen=True)
class Handover:
    """An open task whose holder was deactivated: it waits for an administrator to hand it over."""

    task_id: int
    instance_id: int
    name: str
    holder: str


@dataclass
class SyncReport:
    """What one sync changed."""

    created: list[str]
    updated: list[str]
    deactivated: list[str]
    handovers: list[Handover]
    unknown_roles: list[str]


def known_roles(session: Session) -> set[str]:
    """The names of the roles powerflow has."""
    return set(session.scalars(select(Role.name)))


def apply(session: Session, person: Person, source: UserSource,
          known: set[str] | None = None) -> tuple[User, str | None]:
    """Create or update the account ``person`` describes (roles powerflow lacks left out); returns it and
    "created", "updated" or None for an account that was already so."""
    directory = Directory(session)
    known = known_roles(session) if known is None else known
    roles = [r for r in person.roles if r in known]
    user = directory.find(person.username)
    before = None if user is None else (user.display_name, user.email, tuple(user.role_names), user.active,
                                        user.source, user.external_id)
    if user is None:
        # A password no one knows: directory accounts sign in through the directory, never here.
        user = directory.save_user(person.username, person.display_name, roles=roles,
                                   password_hash=hash_password(secrets.token_hex(32)))
    else:
        user = directory.save_user(person.username, person.display_name, roles=roles,
                                   active=True if not user.active else None)
    user.email, user.source, user.external_id = person.email, source, person.external_id
    for name in person.fields:
        directory.set_field(name, person.username)
    session.flush()
    after = (user.display_name, user.email, tuple(user.role_names), user.active, user.source, user.external_id)
    return user, "created" if before is None else "updated" if before != after else None


def sync(session: Session, people: list[Person], source: UserSource) -> SyncReport:
    """Make the accounts of ``source`` what the directory lists: create, update, deactivate the rest."""
    report = SyncReport([], [], [], [], [])
    known = known_roles(session)
    listed = set()
    for person in people:
        user, change = apply(session, person, source, known)
        listed.add(user.id)
        report.unknown_roles += [r for r in person.roles if r not in known and r not in report.unknown_roles]
        if change == "created":
            report.created.append(user.username)
        elif change == "updated":
            report.updated.append(user.username)
    gone = session.scalars(select(User).where(User.source == source, User.active.is_(True),
                                              User.id.not_in(listed or {0})).order_by(User.id)).all()
    for user in gone:
        Directory(session).save_user(user.username, active=False)  # also signs them out everywhere
        report.deactivated.append(user.username)
        report.handovers += open_tasks(session, user)
    return report


def open_tasks(session: Session, user: User) -> list[Handover]:
    """The tasks ``user`` holds that are still open."""
    tasks = session.scalars(select(HumanTask).where(HumanTask.assignee_id == user.id,
                                                    HumanTask.state.in_([TaskState.READY, TaskState.WAITING]))
                            .order_by(HumanTask.id)).all()
    return [Handover(t.id, t.instance_id, t.name, user.username) for t in tasks]



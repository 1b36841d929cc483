"""`powerflow users sync`: the accounts kept by the LDAP directory made what it lists, in one transaction."""
from __future__ import annotations

from datetime import datetime

from engine.collaboration.notifications import notify_role
from engine.directory.ldap_source import LdapSource
from engine.directory.people import ADMIN_ROLE
from engine.directory.provisioning import SyncReport, sync
from engine.errors import Msg
from engine.status import UserSource
from engine.storage.database import Database

OFFICE_ROLE = "办公室"  # hands tasks over (转办) with the administrators


def sync_directory(db: Database, source: LdapSource, now: datetime) -> SyncReport:
    """Read every person from the directory (before the transaction), then create, update and deactivate."""
    people = source.people()
    with db.transaction() as session:
        report = sync(session, people, UserSource.LDAP)
        by_holder: dict[str, list] = {}
        for handover in report.handovers:
            by_holder.setdefault(handover.holder, []).append(handover)
        for holder, held in by_holder.items():
            title = Msg("directory.reassign_title", user=holder)
            body = Msg("directory.reassign_body", user=holder, count=len(held),
                       tasks="、".join(f"{h.name}（#{h.instance_id}）" for h in held))
            for role in (ADMIN_ROLE, OFFICE_ROLE):
                notify_role(session, role, "flag", title, now, body)
    return report

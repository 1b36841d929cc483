"""The process catalog and starting a matter from it, read and done by the engine for a user named by the caller."""
from __future__ import annotations

from dataclasses import dataclass

from engine.storage import idempotency
from engine.pages import queries
from engine.directory.access import can_complete, can_start
from engine.charts.live_cache import Charts
from engine.process.deployment import latest_versions, published_version
from engine.directory.people import Directory
from engine.runtime.service import Runtime


@dataclass(frozen=True)
class Started:
    """A matter started from a form: its id, the user's first step in it if any, and whether it is new."""

    instance_id: int
    first_task: int | None
    created: bool  # False: the same form was submitted again, and this is the matter it made


def _process(version) -> dict:
    return {"key": version.process_key, "name": version.name, "version": version.version,
            "start_role": version.start_role, "deployed_at": version.deployed_at,
            "deployed_by": version.deployed_by, "source_file": version.source_file}


class ProcessPages:
    """Every deployed process, one process's chart and drawing, and starting a matter once per form."""

    def __init__(self, runtime: Runtime, charts: Charts):
        self.runtime, self.db, self.charts = runtime, runtime.db, charts

    def catalog(self, username: str) -> list[dict]:
        """The newest version of every process, saying whether the user may start it."""
        with self.db.reader() as session:
            user = Directory(session).user(username)
            return [_process(v) | {"can_start": can_start(user, v)} for v in latest_versions(session)]

    def show(self, key: str) -> tuple[dict, str]:
        """A process and its published chart (SVG)."""
        with self.db.reader() as session:
            version = published_version(session, key)
            return _process(version), self.charts.process_svg(version)

    def drawing(self, key: str) -> str:
        """The BPMN of the process's newest version."""
        with self.db.reader() as session:
            return published_version(session, key).bpmn_xml

    def start_form(self, key: str, username: str) -> tuple[dict, bool]:
        """What the start form shows: the process, and whether the user may start it."""
        with self.db.reader() as session:
            version = published_version(session, key)
            return _process(version), can_start(Directory(session).user(username), version)

    def start_once(self, key: str, title: str, username: str, token: object) -> Started:
        """Start the matter once per form token (a resubmission finds the matter the first one made)."""
        with self.db.reader() as session:
            user_id = Directory(session).user(username).id

        def create(form_token: str | None) -> int:
            return self.runtime.start(key, title, {}, username, on_start=lambda session, instance: idempotency.record(
                session, "start", form_token, user_id, instance.id, instance.started_at)).instance_id

        found, created = idempotency.once(self.db, "start", token, user_id, create)
        with self.db.reader() as session:
            user = Directory(session).user(username)
            mine = [t.id for t in queries.open_tasks(session, int(found)) if can_complete(user, t)]
        return Started(int(found), mine[0] if mine else None, created)

"""The designers' work as engine calls: check, deploy, edit a table, roll back, migrate, and what the modeler opens.

Each call names the designer; the designer role is checked here first, before an upload is read, so a
non-designer learns nothing about it. Deploys and migrations are one transaction each.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from engine.process import designs, versions
from engine.storage.database import Database
from engine.process.definitions import load_forms
from engine.process.deployment import DeployResult, latest_versions, published_version
from engine.directory.people import Directory
from engine.errors import FormInvalid, Msg, NotFound
from engine.process.importing import import_document
from engine.models import Instance, utcnow
from engine.status import MatterStatus

OLDER_LIMIT = 200  # running matters on older versions listed for migration


@dataclass(frozen=True)
class Editor:
    """What the modeler opens: the roles to pick from, the forms, and for a process its drawing, history and
    the running matters still on older versions."""

    roles: list[str]
    forms: dict[str, dict]
    xml: str | None
    history: list[dict]
    older: list[dict]


@dataclass(frozen=True)
class Imported:
    """A foreign diagram converted to our dialect, its mapping report, and what validation still finds."""

    dialect: str
    bpmn_xml: str
    report: list
    rejected: designs.DesignRejected | None


def version_summary(version, changes) -> dict:
    """A version as the history lists it, with what changed from the one before."""
    return {"version": version.version, "name": version.name, "deployed_by": version.deployed_by,
            "deployed_at": version.deployed_at.isoformat(), "changes": vars(changes)}


class DesignStudio:
    """Design-time actions and reads for designers."""

    def __init__(self, db: Database, processes_dir: Path):
        self.db, self.processes_dir = db, Path(processes_dir)

    def _designer(self, session, username: str):
        user = Directory(session).user(username)
        designs.require_designer(user)
        return user

    def processes(self, username: str) -> list[dict]:
        """The newest version of every process."""
        with self.db.reader() as session:
            self._designer(session, username)
            return [{"key": v.process_key, "name": v.name, "version": v.version, "deployed_at": v.deployed_at,
                     "deployed_by": v.deployed_by} for v in latest_versions(session)]

    def tables(self) -> list[str]:
        """The DMN tables a designer may edit (where an opened .dmn can go)."""
        return sorted(p.name for p in self.processes_dir.glob("*.dmn"))

    def table(self, name: str) -> str:
        """A DMN table's XML as the processes directory holds it; NotFound for any other name."""
        path = self.processes_dir / name
        if not name.endswith(".dmn") or "/" in name or "\\" in name or name not in self.tables():
            raise NotFound("dmn.missing", name=name)
        return path.read_text(encoding="utf-8")

    def editor(self, username: str, key: str | None) -> Editor:
        """What the modeler opens: a new drawing, or a process's newest version with its history."""
        with self.db.reader() as session:
            self._designer(session, username)
            roles = sorted(Directory(session).role_names())
            forms = load_forms(self.processes_dir / "forms")
            if key is None:
                return Editor(roles, forms, None, [], [])
            version = published_version(session, key)
            older = session.scalars(select(Instance).where(
                Instance.process_key == key, Instance.status == MatterStatus.RUNNING,
                Instance.process_version_id != version.id).order_by(Instance.id).limit(OLDER_LIMIT))
            return Editor(roles, {**forms, **version.forms}, version.bpmn_xml,
                          [version_summary(v, c) for v, c in versions.history(session, key)],
                          [{"id": i.id, "title": i.title, "version": i.process_version.version} for i in older])

    def history(self, key: str) -> list[dict]:
        """Every version of a process, newest first, with what changed."""
        with self.db.reader() as session:
            return [version_summary(v, c) for v, c in versions.history(session, key)]

    def check(self, username: str, body: dict) -> list[str]:
        """Validate a design as deploying it would (DesignRejected lists every problem); the processes it holds."""
        with self.db.reader() as session:
            self._designer(session, username)
            return [d.key for d in designs.check(session, designs.design_from_json(body), self.processes_dir)]

    def deploy(self, username: str, body: dict) -> list[DeployResult]:
        """Deploy a design: each changed process becomes a new version."""
        with self.db.transaction() as session:
            user = self._designer(session, username)
            return designs.deploy(session, designs.design_from_json(body), self.processes_dir, user)

    def deploy_table(self, username: str, name: str, xml: str) -> list[DeployResult]:
        """Deploy an edited DMN table: the processes using it get new versions."""
        with self.db.transaction() as session:
            return designs.deploy_table(session, name, xml, self.processes_dir, self._designer(session, username))

    def rollback(self, username: str, key: str, version: int) -> DeployResult:
        """Deploy an earlier version's content again as the newest."""
        with self.db.transaction() as session:
            return designs.rollback(session, key, version, self._designer(session, username))

    def migrate(self, username: str, instance_id: int, version: int) -> tuple[str, int]:
        """Move a running matter to another version (Conflict says why not); its process and new version."""
        with self.db.transaction() as session:
            instance = versions.migrate(session, instance_id, version, self._designer(session, username), utcnow())
            return instance.process_key, instance.process_version.version

    def process_of(self, username: str, instance_id: int) -> str:
        """The process a matter runs, for a designer."""
        with self.db.reader() as session:
            self._designer(session, username)
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound("matter.missing", instance_id=instance_id)
            return instance.process_key

    def import_design(self, username: str, body: dict) -> Imported:
        """Convert a Camunda 7, Zeebe or SpiffArena diagram and validate the result, without deploying it."""
        from engine.process.xml_encoding import declared_utf8
        with self.db.reader() as session:
            self._designer(session, username)  # before the upload is read: a non-designer learns nothing of it
            xml, filename, forms = import_fields(body)
            directory = Directory(session)
            users = {u.username for u in directory.users() if u.active}
            imported = import_document(declared_utf8(xml).encode("utf-8"), directory.role_names(), users,
                                       filename or "upload.bpmn")
            converted = imported.bpmn.decode("utf-8")
            try:
                designs.check(session, designs.design_from_json(
                    {"bpmn_xml": converted, "filename": filename, "forms": forms}), self.processes_dir)
                rejected = None
            except designs.DesignRejected as refusal:
                rejected = refusal
        return Imported(imported.dialect, converted, imported.report, rejected)


def import_fields(body: dict) -> tuple[str, str | None, dict]:
    """The upload's fields, each wrong one named at once."""
    xml, filename, forms = body.get("bpmn_xml"), body.get("filename"), body.get("forms", {})
    errors = {}
    if not isinstance(xml, str) or not xml.strip():
        errors["bpmn_xml"] = Msg("import.no_xml")
    if filename is not None and (not isinstance(filename, str) or not filename.endswith(".bpmn")
                                 or "/" in filename or "\\" in filename or filename == ".bpmn"):
        errors["filename"] = Msg("import.bad_filename")
    if not isinstance(forms, dict):
        errors["forms"] = Msg("import.forms_object")
    if errors:
        raise FormInvalid(errors)
    return xml, filename or None, forms

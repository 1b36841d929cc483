"""Deploying process definitions as versions: each distinct content becomes a new version."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.process.definitions import ProcessDefinition, read_directory, secure_xml
from engine.directory.people import Directory
from engine.errors import NotFound
from engine.process.meaning import drawing_digest, meaning_digest
from engine.models import ProcessVersion, utcnow


@dataclass
class DeployResult:
    """What deploying one process did: status is "new", "changed", "redrawn" (layout only) or "unchanged"."""

    key: str
    name: str
    version: int
    status: str


def deploy_definitions(session: Session, definitions: list[ProcessDefinition],
                       deployed_by: str | None = None) -> list[DeployResult]:
    """Store each definition whose content differs from its process's newest version."""
    results = []
    for definition in definitions:
        latest = latest_version(session, definition.key)
        if latest is not None and same_meaning(latest, definition):
            latest.content_hash = definition.content_hash  # a hash of an older kind becomes this one
            redrawn = latest.bpmn_xml != definition.bpmn_xml and _drawing(latest.bpmn_xml) != _drawing(definition.bpmn_xml)
            if redrawn:  # the same steps drawn anew: every matter on this version sees the new drawing
                latest.bpmn_xml = definition.bpmn_xml
            results.append(DeployResult(definition.key, latest.name, latest.version, "redrawn" if redrawn else "unchanged"))
            continue
        number = 1 if latest is None else latest.version + 1
        session.add(ProcessVersion(
            process_key=definition.key, version=number, name=definition.name,
            content_hash=definition.content_hash, source_file=definition.source_file,
            bpmn_xml=definition.bpmn_xml, forms=definition.forms, spec_json=definition.spec_json,
            start_role=definition.start_role, deployed_at=utcnow(), deployed_by=deployed_by))
        results.append(DeployResult(definition.key, definition.name, number, "new" if latest is None else "changed"))
    session.flush()
    return results


def same_meaning(version: ProcessVersion, definition: ProcessDefinition) -> bool:
    """Whether a definition means what a stored version does (its identity, or for a version stored before
    identities were by meaning, the same spec, forms and process elements)."""
    if version.content_hash == definition.content_hash:
        return True
    if version.spec_json != definition.spec_json or version.forms != definition.forms:
        return False
    return _meaning(version.bpmn_xml) == _meaning(definition.bpmn_xml)


def _meaning(bpmn_xml: str) -> str:
    return meaning_digest(secure_xml(bpmn_xml.encode("utf-8"), "version.bpmn").getroot())


def _drawing(bpmn_xml: str) -> str:
    return drawing_digest(secure_xml(bpmn_xml.encode("utf-8"), "version.bpmn").getroot())


def deploy_directory(session: Session, processes_dir: Path, deployed_by: str | None = None) -> list[DeployResult]:
    """Read, check and deploy every process in ``processes_dir`` (roles checked against the database)."""
    definitions = read_directory(processes_dir, Directory(session).role_names())
    return deploy_definitions(session, definitions, deployed_by)


def latest_version(session: Session, process_key: str) -> ProcessVersion | None:
    """The newest deployed version of a process."""
    return session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                          .order_by(ProcessVersion.version.desc()).limit(1))


def published_version(session: Session, process_key: str) -> ProcessVersion:
    """The newest version of a process, or NotFound."""
    version = latest_version(session, process_key)
    if version is None:
        raise NotFound("process.missing", process_key=process_key)
    return version


def process_names(session: Session) -> dict[str, str]:
    """Each process key with the name of its newest version."""
    return {v.process_key: v.name for v in latest_versions(session)}


def latest_versions(session: Session) -> list[ProcessVersion]:
    """The newest version of every deployed process, by key."""
    newest = (select(ProcessVersion.process_key, func.max(ProcessVersion.version).label("version"))
              .group_by(ProcessVersion.process_key).subquery())
    return list(session.scalars(select(ProcessVersion).join(
        newest, (ProcessVersion.process_key == newest.c.process_key) & (ProcessVersion.version == newest.c.version))
        .order_by(ProcessVersion.process_key)))

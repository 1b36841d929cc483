"""A process's versions: what changed between them, and moving running matters to a newer one where safe."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import trail as audit
from engine.process.definitions import secure_xml
from engine.process.meaning import element_meanings
from engine.process.designs import require_designer
from engine.errors import Conflict, Msg, NotFound
from engine.models import Instance, ProcessVersion, User
from engine.status import OPEN_STEPS, MatterStatus
from engine.bpmn.progress import chart_state
from engine.bpmn.serialization import load_state
from engine.process.version_cache import version_specs

@dataclass
class Changes:
    """Element ids added, removed and changed since the previous version."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def elements(bpmn_xml: str, process_key: str) -> dict[str, str]:
    """Every element of the process by id, as its meaning (engine.process.meaning) without its incoming/outgoing wiring.

    Wiring is left out so that a step whose own definition is unchanged counts as unchanged even
    when the flows around it were redrawn (the flows are elements of their own); a save that only
    rewrote the file (prefixes, order, indentation) changes no element.
    """
    return element_meanings(secure_xml(bpmn_xml.encode("utf-8"), f"{process_key}.bpmn").getroot(), process_key)


def changes(before: ProcessVersion | None, after: ProcessVersion) -> Changes:
    new = elements(after.bpmn_xml, after.process_key)
    if before is None:
        return Changes(added=sorted(new))
    old = elements(before.bpmn_xml, before.process_key)
    return Changes(sorted(set(new) - set(old)), sorted(set(old) - set(new)),
                   sorted(k for k in set(new) & set(old) if new[k] != old[k]))


def history(session: Session, process_key: str) -> list[tuple[ProcessVersion, Changes]]:
    """Every version of a process, newest first, each with its changes since the one before."""
    versions = list(session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                                    .order_by(ProcessVersion.version)))
    if not versions:
        raise NotFound("process.missing", process_key=process_key)
    return [(v, changes(versions[i - 1] if i else None, v)) for i, v in enumerate(versions)][::-1]


def _where_it_stands(instance: Instance) -> list[str]:
    """The elements a matter is at now: its ready steps and what it waits for."""
    state = instance.chart_state or {}
    return sorted(e for e, s in state.get("elements", {}).items() if s in OPEN_STEPS)


def migration_refusal(session: Session, instance: Instance, target: ProcessVersion) -> Msg | None:
    """Why the matter may not move to ``target``, or None when it may."""
    if instance.status != MatterStatus.RUNNING:
        return Msg("version.not_running")
    if target.process_key != instance.process_key:
        return Msg("version.other_process")
    if target.id == instance.process_version_id:
        return Msg("version.already")
    old = elements(instance.process_version.bpmn_xml, instance.process_key)
    new = elements(target.bpmn_xml, target.process_key)
    differing = [e for e in _where_it_stands(instance) if old.get(e) != new.get(e)]
    if differing:
        return Msg("version.steps_changed", elements="、".join(differing))
    try:
        load_state(instance.state, version_specs(target), None)
    except Exception as exc:  # a step it already passed is gone: SpiffWorkflow cannot rebuild the matter
        return Msg("version.steps_gone", kind=type(exc).__name__, error=str(exc))
    return None


def migrate(session: Session, instance_id: int, version: int, user: User, now: datetime) -> Instance:
    """Move a running matter to another version of its process (designers only), or Conflict with the reason."""
    require_designer(user)
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound("matter.missing", instance_id=instance_id)
    target = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == instance.process_key,
                                                         ProcessVersion.version == version))
    if target is None:
        raise NotFound("process.no_version", process_key=instance.process_key, version=version)
    refusal = migration_refusal(session, instance, target)
    if refusal:
        raise Conflict(refusal)
    before = instance.process_version.version
    instance.process_version, instance.updated_at = target, now
    instance.chart_state = chart_state(load_state(instance.state, version_specs(target), None))
    audit.record(session, "migrate", now, instance.id, user.id, details={"from": before, "to": target.version})
    return instance

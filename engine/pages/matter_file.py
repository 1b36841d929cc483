"""The matter's file (案卷): what earlier steps answered, with who and when, opinions and attachments.

Shown read-only above every task's form, so whoever decides sees what they decide on. One declared rule
says what a holder sees (``file_scope``): every earlier step by default, in any process a designer draws;
a designer may narrow a task to chosen steps or to nothing with the task's ``file`` property. R15 holds on
top of it: deliberation content reaches only the deciding body and the matter's participants until the
outcome is published; others see that steps happened, not what was entered. Ballots (R8) are never here:
they are not in task data or the audit to begin with.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.collaboration import comments
from engine.runtime import signers
from engine.committee.deliberation import sees_deliberation
from engine.committee.form_options import form_options
from engine.errors import NotFound
from engine.models import AuditEvent, HumanTask, Instance, Topic, User
from engine.status import AuditAction, TaskState
from engine.process.version_cache import version_forms, version_specs

ANSWERED = (
    AuditAction.COMPLETE, AuditAction.DELEGATE_DONE, AuditAction.SIGN
)  # events whose details carry a step's answers
ALL, NONE = "all", "none"


@dataclass(frozen=True)
class Answer:
    """One field of a step's form: its label and the value as the user sees it (text, yes/no, or texts)."""

    name: str
    label: str
    value: str | bool | list[str]


@dataclass(frozen=True)
class Step:
    """One completed step of the matter: which, by whom, when, and what was answered."""

    element_id: str
    name: str
    action: str
    actor: str | None
    actor_name: str | None
    at: datetime
    answers: list[Answer]


@dataclass(frozen=True)
class Remark:
    """An opinion (意见) posted on the matter, with its attachments."""

    author_name: str
    at: datetime
    body: str
    attachments: list[dict]


@dataclass
class MatterFile:
    """A matter's file as one user may see it; ``withheld`` (R15) keeps steps but not their content."""

    instance_id: int
    title: str
    process_name: str
    withheld: bool
    steps: list[Step] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    agenda: list["MatterFile"] = field(default_factory=list)  # at a meeting: each agenda item's file
    topic_title: str | None = None

    def as_dict(self) -> dict:
        """The file as JSON-ready data (the API's ``file``)."""
        return {"instance_id": self.instance_id, "title": self.title, "process": self.process_name,
                "withheld": self.withheld, "topic_title": self.topic_title,
                "steps": [{"element_id": s.element_id, "name": s.name, "action": s.action, "actor": s.actor,
                           "actor_name": s.actor_name, "at": s.at.isoformat(),
                           "answers": [{"name": a.name, "label": a.label, "value": a.value} for a in s.answers]}
                          for s in self.steps],
                "remarks": [{"author_name": r.author_name, "at": r.at.isoformat(), "body": r.body,
                             "attachments": r.attachments} for r in self.remarks],
                "agenda": [item.as_dict() for item in self.agenda]}


def file_scope(properties: dict) -> str | set[str]:
    """The declared rule: ``all`` earlier steps unless the task's ``file`` property says ``none`` or lists ids."""
    value = (properties.get("file") or "").strip()
    if not value or value == ALL:
        return ALL
    if value == NONE:
        return NONE
    return set(value.split())


def element_properties(instance: Instance, element_id: str) -> dict:
    """The spiffworkflow:properties of an element of the matter's process (top level or a subprocess)."""
    spec, subprocesses = version_specs(instance.process_version)
    for process in (spec, *subprocesses.values()):
        task_spec = process.task_specs.get(element_id)
        if task_spec is not None:
            return getattr(task_spec, "extensions", {}).get("properties", {})
    return {}


def for_task(session: Session, row: HumanTask, user: User, data: dict | None = None) -> MatterFile | None:
    """The file shown on ``row``'s page: its matter's steps before it, and at a meeting the agenda items' files."""
    instance = row.instance
    scope = file_scope(element_properties(instance, row.element_id))
    if scope == NONE:
        return None
    # A finished step's page shows what its holder had before them; an open one, everything so far.
    until = None if row.state in (TaskState.READY, TaskState.WAITING) else (row.completed_at or row.created_at)
    own = of_matter(session, instance, user, until=until, only=None if scope == ALL else scope)
    own.agenda = _agenda(session, instance, user, (data or {}).get("item"))
    return own


def of_matter(session: Session, instance: Instance, user: User, until: datetime | None = None,
              only: set[str] | None = None) -> MatterFile:
    """A matter's file as ``user`` may see it, up to ``until``, optionally only the steps ``only``."""
    withheld = not sees_deliberation(session, user, instance)
    query = select(AuditEvent).where(AuditEvent.instance_id == instance.id, AuditEvent.action.in_(ANSWERED))
    if until is not None:
        query = query.where(AuditEvent.at <= until)
    labels = _Labels(session, instance)
    steps = []
    for event in session.scalars(query.order_by(AuditEvent.id)):
        if only is not None and event.element_id not in only:
            continue
        answers = [] if withheld else labels.answers(event)
        actor = event.actor
        steps.append(Step(event.element_id or "", event.element_name or event.element_id or "", event.action,
                          actor.username if actor else None, actor.display_name if actor else None, event.at,
                          answers))
    remarks = [] if withheld else _remarks(session, instance, user, until)
    return MatterFile(instance.id, instance.title, instance.process_version.name, withheld, steps, remarks)


def _remarks(session: Session, instance: Instance, user: User, until: datetime | None) -> list[Remark]:
    try:
        posted = comments.listing(session, instance.id, user)
    except NotFound:  # a deciding body's member reads an agenda item's steps, not its discussion
        return []
    return [Remark(c.author.display_name, c.created_at, c.body or "",
                   [{"id": a.id, "filename": a.filename, "size": a.size} for a in c.attachments])
            for c in posted if until is None or c.created_at <= until]


def _agenda(session: Session, meeting: Instance, user: User, item: object) -> list[MatterFile]:
    """At a meeting's steps: each agenda item's full file (only the item under deliberation, if one is)."""
    topics = list(session.scalars(select(Topic).where(Topic.meeting_id == meeting.id).order_by(Topic.id)))
    if isinstance(item, dict) and item.get("topic_id") is not None:
        topics = [t for t in topics if str(t.id) == str(item["topic_id"])] or topics
    files = []
    for topic in topics:
        matter = of_matter(session, topic.instance, user)
        matter.topic_title = topic.title
        files.append(matter)
    return files


class _Labels:
    """Turns an event's stored answers into labelled, readable values using the step's form."""

    def __init__(self, session: Session, instance: Instance):
        self.session, self.instance = session, instance
        self.forms = version_forms(instance.process_version)
        self.form_of = dict(session.execute(select(HumanTask.element_id, HumanTask.form_file).where(
            HumanTask.instance_id == instance.id, HumanTask.form_file.is_not(None))).all())
        self._options: dict[str, dict[str, str]] = {}

    def answers(self, event: AuditEvent) -> list[Answer]:
        details = event.details or {}
        if event.action == AuditAction.SIGN:
            data, schema = {k: details.get(k) for k in ("opinion", "comment")}, signers.SIGN_SCHEMA
        else:
            data = details.get("data") or {}
            schema = self.forms.get(self.form_of.get(event.element_id) or "") or {}
        if not isinstance(data, dict):
            return []
        properties = schema.get("properties", {})
        # Designed order first; anything the form no longer has keeps its own name.
        names = [n for n in properties if n in data] + [n for n in data if n not in properties]
        out = []
        for name in names:
            prop = properties.get(name, {})
            if prop.get("x-ballot") or prop.get("x-teller"):  # secret, or keys only a browser reads
                continue
            value = self._readable(prop, data[name])
            if value in ("", []):
                continue
            out.append(Answer(name, prop.get("title") or name, value))
        return out

    def _readable(self, prop: dict, value: object) -> str | bool | list[str]:
        if value is None:
            return ""
        if isinstance(value, bool):  # the page words it in the reader's language
            return value
        if isinstance(value, list):
            items = prop.get("items", {}) if isinstance(prop.get("items"), dict) else {}
            return [self._label(items, v) for v in value if v not in (None, "")]
        if isinstance(value, dict):
            return "；".join(f"{k}：{v}" for k, v in value.items())
        return self._label(prop, value)

    def _label(self, prop: dict, value: object) -> str:
        text = str(value)
        labels = prop.get("x-enum-labels")
        if labels and text in [str(v) for v in prop.get("enum", [])]:
            return str(labels[[str(v) for v in prop["enum"]].index(text)])
        source = prop.get("x-options")
        if isinstance(source, str) and not source.startswith("data:"):
            return self._option_labels(source, text).get(text, text)
        return text

    def _option_labels(self, source: str, value: str) -> dict[str, str]:
        if source.startswith("topics:"):  # an agenda: the topics' titles, whatever their state now
            topic = self.session.get(Topic, int(value)) if value.isdigit() else None
            return {value: topic.title} if topic else {}
        if source not in self._options:
            try:
                pairs = form_options(self.session, source)
            except NotFound:  # a source this directory no longer knows: the stored values as they are
                pairs = []
            self._options[source] = dict(pairs)
        return self._options[source]

"""What a running matter waits for when no step is open: a meeting, a timer, a called process, a message.

Plain data for pages and the API: each item names the element that waits and what would end the wait.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.step_names import element_names
from engine.models import HumanTask, Instance, ProcessVersion, Timer, Topic
from engine.status import MatterStatus, StepState, TaskState, TimerState, TopicState
from engine.committee.topics import KIND_LABELS, meeting_dates


def _meeting_item(session: Session, topic: Topic, name: str | None) -> dict:
    item = {"kind": "meeting", "element_id": topic.element_id, "element_name": name, "body": topic.body,
            "topic_id": topic.id, "topic_title": topic.title, "topic_kind": KIND_LABELS.get(topic.kind, topic.kind),
            "scheduled": topic.state == TopicState.SCHEDULED, "deferred_reason": topic.deferred_reason,
            "meeting_id": None, "meeting_title": None, "meeting_date": None, "meeting_steps": []}
    if topic.state == TopicState.SCHEDULED and topic.meeting_id is not None:
        meeting = session.get(Instance, topic.meeting_id)
        steps = session.scalars(select(HumanTask.name).where(
            HumanTask.instance_id == topic.meeting_id, HumanTask.state == TaskState.READY).order_by(HumanTask.id))
        item.update(meeting_id=topic.meeting_id, meeting_title=meeting.title if meeting else None,
                    meeting_date=meeting_dates(session, [topic.meeting_id]).get(topic.meeting_id), meeting_steps=list(dict.fromkeys(steps)))
    return item


def _called(session: Session, names: dict, state: dict) -> list[dict]:
    items = []
    for element, info in names.items():
        if info["kind"] == "callActivity" and state.get(element) in (StepState.CURRENT, StepState.WAITING) and info.get("called"):
            version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == info["called"])
                                     .order_by(ProcessVersion.version.desc()).limit(1))
            items.append({"kind": "process", "element_id": element, "element_name": info["name"],
                          "process_key": info["called"], "process_name": version.name if version else info["called"]})
    return items


def waiting_for(session: Session, instance: Instance) -> list[dict]:
    """Each thing a running matter waits for; empty when it is not running or nothing is known to hold it."""
    if instance.status != MatterStatus.RUNNING:
        return []
    version = instance.process_version
    names = element_names(version)
    chart = instance.chart_state or {}
    waiting = dict(chart.get("waiting") or {})

    def name_of(element: str) -> str | None:
        return (names.get(element) or {}).get("name") or waiting.get(element)

    items = _called(session, names, chart.get("elements") or {})
    for topic in session.scalars(select(Topic).where(Topic.instance_id == instance.id,
                                                     Topic.state.in_((TopicState.PENDING, TopicState.SCHEDULED))).order_by(Topic.id)):
        items.append(_meeting_item(session, topic, name_of(topic.element_id)))
        waiting.pop(topic.element_id, None)
    for timer in session.scalars(select(Timer).where(Timer.instance_id == instance.id, Timer.state == TimerState.WAITING)
                                 .order_by(Timer.due_at)):
        items.append({"kind": "timer", "element_id": timer.element_id, "element_name": name_of(timer.element_id),
                      "due_at": timer.due_at.isoformat()})
        waiting.pop(timer.element_id, None)
    for element, name in waiting.items():
        info = names.get(element) or {}
        items.append({"kind": "message", "element_id": element, "element_name": info.get("name") or name,
                      "message": info.get("message")})
    return items


def annotate(session: Session, rows: list[dict]) -> list[dict]:
    """Add ``waiting_for`` to listed matters (by ``id``) that run with no open step."""
    running = [r["id"] for r in rows if r.get("status") == MatterStatus.RUNNING]
    busy = set(session.scalars(select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(running), HumanTask.state == TaskState.READY).distinct())) if running else set()
    for row in rows:
        idle = row["id"] in running and row["id"] not in busy
        row["waiting_for"] = waiting_for(session, session.get(Instance, row["id"])) if idle else []
    return rows

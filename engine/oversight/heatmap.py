"""A process's flowchart coloured by where its open matters sit and how long steps take.

Counts are open matters per step (ready human tasks, one per matter); the time spent is the
median, over every task that has left the step, of completion minus arrival, in days.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.charts.flowchart import Layout, css_selector, overlay
from engine.models import HumanTask, Instance
from engine.status import MatterStatus, TaskState

SCALE = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"]


@dataclass
class StepHeat:
    """One step of a process: open matters there, and the median days spent there."""

    element_id: str
    name: str
    open_matters: int
    median_days: float | None
    finished: int


def step_heat(session: Session, process_key: str) -> dict[str, StepHeat]:
    """Per element of the process (every version): open matters and median days spent."""
    open_rows = session.execute(
        select(HumanTask.element_id, func.max(HumanTask.name), func.count(func.distinct(HumanTask.instance_id)))
        .join(Instance, Instance.id == HumanTask.instance_id)
        .where(Instance.process_key == process_key, HumanTask.state == TaskState.READY, Instance.status == MatterStatus.RUNNING)
        .group_by(HumanTask.element_id)).all()
    done_rows = session.execute(
        select(HumanTask.element_id, HumanTask.name, HumanTask.created_at, HumanTask.completed_at)
        .join(Instance, Instance.id == HumanTask.instance_id)
        .where(Instance.process_key == process_key, HumanTask.state == TaskState.COMPLETED,
               HumanTask.completed_at.is_not(None))).all()
    durations: dict[str, list[float]] = {}
    names: dict[str, str] = {}
    for element, name, arrived, left in done_rows:
        durations.setdefault(element, []).append((left - arrived).total_seconds() / 86400)
        names[element] = name
    heat = {}
    for element, name, matters in open_rows:
        names[element] = name
        heat[element] = StepHeat(element, name, matters, None, 0)
    for element, values in durations.items():
        entry = heat.setdefault(element, StepHeat(element, names[element], 0, None, 0))
        entry.median_days, entry.finished = round(median(values), 1), len(values)
    return heat


def _colour(count: int, top: int) -> str:
    if count <= 0 or top <= 0:
        return SCALE[0]
    return SCALE[min(len(SCALE) - 1, 1 + (count * (len(SCALE) - 2)) // top)]


def heat_label(h: StepHeat) -> str:
    """A step's label in Chinese: "N 件在办 · 中位 D 天"."""
    days = "—" if h.median_days is None else f"{h.median_days:g} 天"
    return f"{h.open_matters} 件在办 · 中位 {days}"


def render_heat(layout: Layout, heat: dict[str, StepHeat], label: Callable[[StepHeat], str] = heat_label) -> str:
    """The chart with each step filled by its open count and labelled by ``label`` (Chinese by default)."""
    top = max((h.open_matters for h in heat.values()), default=0)
    css, labels = [], {}
    for element, h in heat.items():
        sel = css_selector("el_", element)
        css.append(f"{sel} polygon,{sel} ellipse,{sel} path{{fill:{_colour(h.open_matters, top)};stroke:#a63603}}")
        labels[element] = label(h)
    return overlay(layout, "".join(css), labels, colour="#7f2704")

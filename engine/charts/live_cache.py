"""Live flowcharts of matters: cached layouts per process version, restyled per view."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from sqlalchemy.orm import Session

from engine.storage.database import Database
from engine.charts.flowchart import Layout, layout, readable_titles, render_live
from engine.models import Instance, ProcessVersion
from engine.status import OPEN_STEPS, StepState
from engine.bpmn.step_names import element_names
from engine.runtime.task_rows import open_tasks


def holders_by_element(session: Session, instance_id: int) -> dict[str, str]:
    """Who holds each current step: the assignees' names, or the candidate role."""
    names: dict[str, list[str]] = {}
    for task in open_tasks(session, instance_id):
        who = task.assignee.display_name if task.assignee else f"{task.candidate_role}（任一人）"
        names.setdefault(task.element_id, []).append(who)
    return {e: ("、".join(n) if len(n) <= 3 else f"{'、'.join(n[:3])} 等{len(n)}人") for e, n in names.items()}


def step_list(layout: Layout, names: dict[str, dict], chart_state: dict, holders: dict[str, str]) -> list[dict]:
    """The chart as a list read left to right: each named step with its state and holders."""
    states = chart_state.get("elements") or {}
    steps = []
    for element, (x, y, _, _) in sorted(layout.nodes.items(), key=lambda item: (item[1][0], item[1][1])):
        info = names.get(element)
        if info is None or not (info["name"] or states.get(element) in OPEN_STEPS):
            continue  # unnamed joins and forks say nothing in a list unless the matter stands there
        steps.append({"id": element, "name": info["label"], "kind": info["kind"],
                      "state": states.get(element, "future"), "holders": holders.get(element)})
    return steps


class Charts:
    """Lays out each process version once (kept in the database and in memory) and renders live views."""

    def __init__(self, db: Database, cache_size: int = 64):
        self.db = db
        self.cache_size = cache_size
        self._cache: OrderedDict[int, Layout] = OrderedDict()
        self._lock = Lock()

    def layout(self, version: ProcessVersion) -> Layout:
        """The version's layout: from memory, else from the database, else run dot once and store it."""
        with self._lock:
            if version.id in self._cache:
                self._cache.move_to_end(version.id)
                return self._cache[version.id]
        if version.layout_svg and version.layout_nodes:
            result = Layout(readable_titles(version.layout_svg), version.layout_nodes["nodes"],
                            version.layout_nodes["flows"])
        else:
            result = layout(version.bpmn_xml, version.process_key)
            with self.db.transaction() as session:
                stored = session.get(ProcessVersion, version.id)
                stored.layout_svg, stored.layout_nodes = result.svg, result.to_json()
        with self._lock:
            self._cache[version.id] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result

    def process_svg(self, version: ProcessVersion) -> str:
        """The bare chart of a process version, nothing highlighted."""
        return render_live(self.layout(version), {})

    def live_svg(self, session: Session, instance: Instance) -> str:
        """A matter's chart: done, current (with holders), waiting and not-reached steps, taken flows."""
        return render_live(self.layout(instance.process_version), instance.chart_state or {},
                           holders_by_element(session, instance.id))

    def live(self, session: Session, instance: Instance) -> dict:
        """A matter's chart with its steps as a list and the element to bring into view."""
        version, state = instance.process_version, instance.chart_state or {}
        holders = holders_by_element(session, instance.id)
        chart = self.layout(version)
        steps = step_list(chart, element_names(version), state, holders)
        focus = next((s["id"] for s in steps if s["state"] in (StepState.CURRENT, StepState.ERROR)),
                     next((s["id"] for s in steps if s["state"] == StepState.WAITING), ""))
        return {"svg": render_live(chart, state, holders), "steps": steps, "focus": focus}

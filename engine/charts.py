"""Live flowcharts of matters: cached layouts per process version, restyled per view."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from sqlalchemy.orm import Session

from .database import Database
from .flowchart import Layout, layout, render_live
from .models import Instance, ProcessVersion
from .queries import open_tasks


def holders_by_element(session: Session, instance_id: int) -> dict[str, str]:
    """Who holds each current step: the assignees' names, or the candidate role."""
    names: dict[str, list[str]] = {}
    for task in open_tasks(session, instance_id):
        who = task.assignee.display_name if task.assignee else f"{task.candidate_role}（任一人）"
        names.setdefault(task.element_id, []).append(who)
    return {e: ("、".join(n) if len(n) <= 3 else f"{'、'.join(n[:3])} 等{len(n)}人") for e, n in names.items()}


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
            result = Layout(version.layout_svg, version.layout_nodes["nodes"], version.layout_nodes["flows"])
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

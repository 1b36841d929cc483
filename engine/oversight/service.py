"""What auditors (纪委, 监督员) read: every matter filtered, its export, a process's heatmap and the statistics.

Each read takes the reader's name and refuses anyone who is not an auditor (Forbidden), so the rule lives
here and not in the pages that show it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engine.oversight import dashboard, heatmap, statistics
from engine.directory.access import is_auditor
from engine.charts.live_cache import Charts
from engine.storage.database import Database
from engine.process.deployment import published_version
from engine.directory.people import Directory
from engine.errors import Forbidden


@dataclass(frozen=True)
class MatterList:
    """One page of the filtered list of every matter, with how many match and the filters' choices."""

    total: int
    rows: list[dict]
    choices: dict


@dataclass(frozen=True)
class Heat:
    """A process's chart coloured by where its open matters sit, and the steps by how many wait there."""

    name: str
    svg: str
    steps: list[heatmap.StepHeat]


@dataclass(frozen=True)
class Statistics:
    """The figures behind the auditors' charts."""

    months: list[str]
    opened: list[int]
    closed: list[int]
    cycles: list
    kept: list
    letters: dict


class Oversight:
    """The auditors' reads, each checked against the reader's roles."""

    def __init__(self, db: Database, charts: Charts):
        self.db, self.charts = db, charts

    def _auditor(self, session, username: str) -> None:
        if not is_auditor(Directory(session).user(username)):
            raise Forbidden("access.auditors_only")

    def matters(self, username: str, matter_filter: dashboard.MatterFilter, limit: int, offset: int) -> MatterList:
        """One page of every matter that passes the filter."""
        with self.db.reader() as session:
            self._auditor(session, username)
            return MatterList(dashboard.count(session, matter_filter),
                              dashboard.rows(session, matter_filter, limit, offset), dashboard.filter_choices(session))

    def export(self, username: str, matter_filter: dashboard.MatterFilter, limit: int) -> list[dict]:
        """Every matter that passes the filter, up to ``limit``, for a file."""
        with self.db.reader() as session:
            self._auditor(session, username)
            return dashboard.rows(session, matter_filter, limit, 0)

    def heat(self, username: str, process_key: str, label: Callable[[heatmap.StepHeat], str]) -> Heat:
        """A process's heatmap, each step labelled by ``label`` (in the reader's language)."""
        with self.db.reader() as session:
            self._auditor(session, username)
            version = published_version(session, process_key)
            found = heatmap.step_heat(session, process_key)
            svg = heatmap.render_heat(self.charts.layout(version), found, label)
            return Heat(version.name, svg, sorted(found.values(), key=lambda h: -h.open_matters))

    def statistics(self, username: str, now: datetime) -> Statistics:
        """Throughput per month, cycle times, deadlines kept, and letters by category and state."""
        with self.db.reader() as session:
            self._auditor(session, username)
            months, opened, closed = statistics.opened_and_closed(session, now)
            return Statistics(months, opened, closed, statistics.median_cycle_days(session),
                              statistics.within_deadline(session), statistics.letters_by_category(session))

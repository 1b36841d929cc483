"""How fast the auditors' dashboard pages are with 100,000 matters (indexed queries, no workflows read).

Usage: python bench/dashboard.py [DATABASE_URL]   (default: a SQLite file in /tmp; PostgreSQL works too)
Fills the database with synthetic matters and their task mirror rows directly (bulk inserts), then
times the first page, a deep page, and filtered pages. Prints a Markdown table for BENCHMARKS.md.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

import sqlalchemy as sa

from engine.oversight import dashboard
from engine.storage.database import Database
from engine.process.deployment import deploy_directory
from engine.directory.people import Directory
from engine.ops import demo
from engine.models import HumanTask, Instance, ProcessVersion, User, utcnow

MATTERS = 100_000
PROCESSES = ["major_decision", "public_feedback", "large_fund", "major_project", "personnel_appointment"]


def fill(db: Database) -> None:
    random.seed(7)
    now = utcnow()
    with db.transaction() as session:
        versions = {v.process_key: v.id for v in session.scalars(sa.select(ProcessVersion))}
        users = [u.id for u in session.scalars(sa.select(User))]
        members = [u.id for u in Directory(session).members_of("常委")]
    instances, tasks = [], []
    for i in range(1, MATTERS + 1):
        key = PROCESSES[i % len(PROCESSES)]
        started = now - timedelta(minutes=5 * (MATTERS - i))
        running = i % 3 != 0
        instances.append({"id": i, "process_version_id": versions[key], "process_key": key,
                          "title": f"事项 {i} 关于{random.choice(['老旧小区', '营商环境', '路灯', '预算'])}",
                          "status": "running" if running else "completed", "state": "{}", "chart_state": {},
                          "started_by_id": random.choice(users), "started_at": started, "updated_at": started,
                          "completed_at": None if running else started + timedelta(days=3), "lock_version": 1,
                          "body": "常委会" if i % 2 else None, "member_in_charge_id": random.choice(members)})
        if running:
            tasks.append({"instance_id": i, "task_guid": f"00000000-0000-0000-0000-{i:012d}", "element_id": "step",
                          "name": "办理", "candidate_role": "办公室", "state": "ready", "created_at": started,
                          "due_at": started + timedelta(days=3)})
    with db.engine.begin() as connection:
        for start in range(0, len(instances), 5000):
            connection.execute(sa.insert(Instance.__table__), instances[start:start + 5000])
        for start in range(0, len(tasks), 5000):
            connection.execute(sa.insert(HumanTask.__table__), tasks[start:start + 5000])
    if db.engine.dialect.name == "postgresql":  # what autovacuum would have done by the time anyone looks
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))


def timed(db: Database, label: str, matter_filter: dashboard.MatterFilter, offset: int = 0) -> tuple[str, float, int]:
    best = float("inf")
    for _ in range(5):
        with db.reader() as session:
            began = time.perf_counter()
            total = dashboard.count(session, matter_filter)
            dashboard.rows(session, matter_filter, 50, offset)
            best = min(best, time.perf_counter() - began)
    return label, best * 1000, total


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:////tmp/powerflow-bench.sqlite"
    if url.startswith("sqlite:////"):
        import pathlib
        pathlib.Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        Directory(session).ensure_roles()
        demo.create_people(session)
        deploy_directory(session, __import__("pathlib").Path(__file__).parent.parent / "processes", "bench")
    fill(db)
    results = [timed(db, "first page", dashboard.MatterFilter()),
               timed(db, "page 1,000 (offset 49,950)", dashboard.MatterFilter(), 49_950),
               timed(db, "process + status", dashboard.MatterFilter(process="major_decision", status="running")),
               timed(db, "member in charge + overdue", dashboard.MatterFilter(member_in_charge="wangcw", overdue=True)),
               timed(db, "title search", dashboard.MatterFilter(q="路灯"))]
    print(f"| query ({MATTERS:,} matters, {db.engine.dialect.name}) | best of 5, ms (count + page of 50) | matches |")
    print("|---|---:|---:|")
    for label, ms, total in results:
        print(f"| {label} | {ms:.1f} | {total:,} |")
    db.dispose()


if __name__ == "__main__":
    main()

"""Inbox, 已办, 我发起的, the auditors' dashboard and the public portal with 100,000 open matters and
1,000,000 completed tasks, generated in bulk; p95 of each query over repeated runs."""
from __future__ import annotations

import random
import time
from datetime import timedelta

import sqlalchemy as sa

from bench.common import fresh_database, ms, percentile
from bench.dashboard import MATTERS, fill
from engine.oversight import dashboard
from engine.committee import publications
from engine.pages import queries
from engine.directory.people import Directory
from engine.models import HumanTask, User, utcnow
from engine.models import Publication

COMPLETED_TASKS = 1_000_000
RUNS = 40


def fill_history(db) -> None:
    """A million completed steps spread over the matters and the people, and 10,000 publications."""
    random.seed(11)
    now = utcnow()
    with db.reader() as session:
        users = [u.id for u in session.scalars(sa.select(User))]
    with db.engine.begin() as connection:
        batch = []
        for n in range(COMPLETED_TASKS):
            done = now - timedelta(minutes=n)
            batch.append({"instance_id": n % MATTERS + 1, "task_guid": f"10000000-0000-0000-0000-{n:012d}",
                          "element_id": "step", "name": "办理", "candidate_role": "办公室", "state": "completed",
                          "created_at": done - timedelta(hours=5), "completed_at": done,
                          "completed_by_id": random.choice(users)})
            if len(batch) == 10_000:
                connection.execute(sa.insert(HumanTask.__table__), batch)
                batch = []
        connection.execute(sa.insert(Publication.__table__), [
            {"instance_id": n + 1, "title": f"事项 {n + 1}", "text": "决定公开。", "channel": "门户网站", "period_days": 5,
             "published_at": now - timedelta(hours=n), "objections_until": now + timedelta(days=5)}
            for n in range(10_000)])
    if db.dialect == "postgresql":  # what autovacuum does after a bulk load: statistics and the visibility map
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))


def _time(db, label: str, query) -> tuple[str, float, float]:
    samples = []
    for _ in range(RUNS):
        with db.reader() as session:
            began = time.perf_counter()
            query(session)
            samples.append(time.perf_counter() - began)
    return label, percentile(samples, 50), percentile(samples, 95)


def run(url: str) -> dict:
    db = fresh_database(url)
    fill(db)
    fill_history(db)
    with db.reader() as session:
        clerk = Directory(session).user("bangong")
        member = Directory(session).user("zhoucw")
    rows = [
        _time(db, "待办 inbox, first page (role with 66,667 open tasks)", lambda s: queries.inbox(s, clerk, 50)),
        _time(db, "待办 count", lambda s: queries.inbox_count(s, clerk)),
        _time(db, "已办 done by me, first page", lambda s: queries.done_by(s, member)),
        _time(db, "已办 search by title", lambda s: queries.done_by(s, member, "路灯")),
        _time(db, "我发起的 started by me, first page", lambda s: queries.started_by(s, clerk)),
        _time(db, "dashboard first page", lambda s: dashboard.rows(s, dashboard.MatterFilter(), 50)),
        _time(db, "dashboard exact count of all matters", lambda s: dashboard.count(s, dashboard.MatterFilter())),
        _time(db, "dashboard page 1,000", lambda s: dashboard.rows(s, dashboard.MatterFilter(), 50, 49_950)),
        _time(db, "dashboard overdue of one member", lambda s: dashboard.rows(
            s, dashboard.MatterFilter(member_in_charge="wangcw", overdue=True), 50)),
        _time(db, "public: latest publications", lambda s: publications.listing(s, 50)),
        _time(db, "public: one matter's publication", lambda s: publications.for_instance(s, 5_000)),
    ]
    db.dispose()
    return {"dialect": db.dialect, "rows": rows}


def table(results: list[dict]) -> str:
    lines = [f"| query ({MATTERS:,} matters, {COMPLETED_TASKS:,} completed tasks) | backend | p50, ms | p95, ms |",
             "|---|---|---:|---:|"]
    for r in results:
        for label, p50, p95 in r["rows"]:
            lines.append(f"| {label} | {r['dialect']} | {ms(p50)} | {ms(p95)} |")
    return "\n".join(lines)

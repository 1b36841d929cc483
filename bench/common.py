"""Shared by the benchmarks: a fresh database with the processes and demo people, and percentiles."""
from __future__ import annotations

import statistics
from pathlib import Path

from engine.ops import demo
from engine.storage.database import Database
from engine.process.deployment import deploy_directory
from engine.directory.people import Directory

ROOT = Path(__file__).resolve().parent.parent


def fresh_database(url: str) -> Database:
    """Empty the database at ``url`` (a SQLite file is deleted, a PostgreSQL schema recreated) and prepare it."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
    else:
        import sqlalchemy as sa
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS powerflow_bench CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA powerflow_bench")
        engine.dispose()
        url = url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dpowerflow_bench"
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        Directory(session).ensure_roles()
        demo.create_people(session)
        deploy_directory(session, ROOT / "processes", "bench")
    return db


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) of the values, in the same unit."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(p) - 1] if p < 100 else ordered[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"

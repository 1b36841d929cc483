"""SQL statements and transactions per HTTP completion, counted at the driver.

The web app itself (its Flask test client, so every statement is seen in this process) completes the first
step of major-decision matters through POST /api/v1/tasks/<id>/complete with a bearer token, after a few
warm-up completions; every statement SQLAlchemy sends to the database is counted (the driver's own BEGIN
and COMMIT are not statements of ours and are counted as transactions).
"""
from __future__ import annotations

import os
import re

from sqlalchemy import event

from bench.common import fresh_database
from engine.runtime.service import Runtime

FILE = {"summary": "拟安排专项资金用于老旧小区改造，涉及12个小区。", "field": "城乡建设", "source": "职能部门提出",
        "topic_kind": "一般事项", "basis": "改造实施意见"}
WARM_UP = 5
ABOUT = ("The web app completes the first step of major-decision matters through POST /api/v1/tasks/<id>/complete "
         "with a bearer token, in this process (the Flask test client) on a real database, so every statement it "
         "sends is counted at the driver; the driver's BEGIN and COMMIT are counted as transactions. Target: at "
         "most 8 statements per completion.")


def _short(statement: str) -> str:
    """A statement's verb and table, e.g. "UPDATE instances" (the table outside any subquery)."""
    text, depth, top = " ".join(statement.split()), 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        top.append(char if depth == 0 else " ")
    outer = "".join(top)
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", outer, re.IGNORECASE)
    return f"{text.split(' ', 1)[0].upper()} {table.group(1) if table else ''}".strip()


def run(url: str, completions: int = 50) -> dict:
    """Statements and transactions per completion (mean), and one completion's statements in order."""
    from webui import create_app
    db = fresh_database(url)
    runtime = Runtime(db)
    tasks = [runtime.start("major_decision", f"语句基准 {i}", {}, "bangong").new_tasks[0]
             for i in range(completions + WARM_UP)]
    dialect, db_url = db.dialect, db.url
    db.dispose()
    os.environ.setdefault("POWERFLOW_SECRET_KEY", "bench-secret-key-of-at-least-32-chars")
    app = create_app({"DATABASE_URL": db_url, "RATELIMIT_STORAGE": "memory://"})
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "bangong", "password": "demo"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    engine = app.extensions["powerflow"].db.engine
    statements: list[list[str]] = []
    commits = [0]
    event.listen(engine, "before_cursor_execute", lambda *a: statements[-1].append(_short(a[2])))
    event.listen(engine, "commit", lambda _conn: commits.__setitem__(0, commits[0] + 1))
    for n, task in enumerate(tasks):
        if n == WARM_UP:
            commits[0] = 0
        statements.append([])
        response = client.post(f"/api/v1/tasks/{task}/complete", json={"data": FILE}, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"task {task}: HTTP {response.status_code}")
    app.extensions["powerflow"].db.dispose()
    measured = statements[WARM_UP:]
    return {"dialect": dialect, "statements": sum(map(len, measured)) / len(measured),
            "transactions": commits[0] / len(measured), "one": measured[-1]}


def table(results: list[dict]) -> str:
    lines = ["| backend | statements per completion | transactions per completion | one completion's statements |",
             "|---|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r['dialect']} | {r['statements']:.1f} | {r['transactions']:.1f} | "
                     f"{' · '.join(r['one'])} |")
    return "\n".join(lines)

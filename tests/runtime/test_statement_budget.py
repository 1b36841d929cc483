"""What one completion asks of the database, counted at the driver: a regression guard for the hot path.

The speed itself is measured in bench/ (BENCHMARKS.md); this only counts statements, which do not vary
with the machine: the first statement carries the matter, its open steps, the reference stamp and the
follower count, the matter's one UPDATE carries the lock and the state, and the audit chain is one
INSERT that moves its head too (on PostgreSQL inside a WITH, on SQLite by migration 0023's trigger). On
PostgreSQL the action's UPDATEs and INSERTs are one statement too (engine.runtime.joined_writes).
"""
from __future__ import annotations

from sqlalchemy import event

from tests.storage.test_reference_cache import FILE

BUDGET = {"postgresql": 5, "sqlite": 8}


def test_an_http_completion_stays_within_its_statement_budget(api, app):
    engine = app.extensions["powerflow"].db.engine
    tasks = [api.post("/processes/major_decision/instances", "bangong", {"title": f"事项{i}", "data": {}})
             .get_json()["id"] for i in range(3)]
    first_steps = [api.instance(m, "bangong")["current_tasks"][0]["id"] for m in tasks]
    assert api.complete(first_steps[0], "bangong", FILE).status_code == 200  # people and calendar now in memory
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_args):
        sent.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = api.complete(first_steps[1], "bangong", FILE)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert answer.status_code == 200
    assert [t["element_id"] for t in answer.get_json()["next_tasks"]] == ["consent_topic"]
    assert len(sent) <= BUDGET[engine.dialect.name], "\n".join(" ".join(s.split())[:120] for s in sent)
    assert not any("FROM users" in s or "FROM calendar_days" in s or "FROM fields" in s for s in sent)

"""The audit trail is hash-chained: an edited, inserted or deleted event is reported by its position."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from engine.audit.chain import verify
from engine.models import AuditHead
from engine.models import AuditEvent
from engine.runtime.service import Runtime
from tests.cli_helpers import run
from tests.runtime.test_task_actions import REGISTER

LETTER = "public_feedback"


def some_history(runtime: Runtime, n: int = 2) -> None:
    for i in range(n):
        outcome = runtime.start(LETTER, f"来信 {i}", {}, "bangong")
        runtime.complete(outcome.new_tasks[0], REGISTER, "bangong")


def problems(db):
    with db.reader() as session:
        return [(p.position, p.what) for p in verify(session).problems]


def test_an_untouched_trail_verifies_and_positions_follow_commits(db, runtime):
    some_history(runtime)
    with db.reader() as session:
        verdict = verify(session)
        seqs = list(session.scalars(sa.select(AuditEvent.seq).order_by(AuditEvent.seq)))
        head = session.get(AuditHead, 1)
    assert verdict.problems == [] and verdict.checked == len(seqs) > 4
    assert seqs == list(range(1, len(seqs) + 1)) and (head.seq, head.hash) == (verdict.head_seq, verdict.head_hash)


def test_an_edited_event_is_reported_at_its_position(db, runtime):
    some_history(runtime)
    with db.transaction() as session:
        target = session.scalar(sa.select(AuditEvent).where(AuditEvent.seq == 3))
        target.details = {**target.details, "reason": "事后补写"}
    assert problems(db) == [(3, "内容与哈希不符（事件被修改）")]


def test_a_deleted_event_is_reported_in_the_middle_and_at_the_end(db, runtime):
    some_history(runtime, 4)
    with db.transaction() as session:
        session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 4))
    assert problems(db) == [(4, "第 4 条缺失（事件被删除）")]
    with db.transaction() as session:
        last = session.scalar(sa.select(sa.func.max(AuditEvent.seq)))
        session.execute(sa.delete(AuditEvent).where(AuditEvent.seq >= last - 1))
    assert problems(db) == [(4, "第 4 条缺失（事件被删除）"), (last - 1, f"末尾第 {last - 1}–{last} 条缺失（事件被删除）")]
    with db.transaction() as session:
        session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == last - 2))
    assert problems(db)[-1] == (last - 2, f"末尾第 {last - 2}–{last} 条缺失（事件被删除）")


def test_an_inserted_event_is_reported(db, runtime):
    some_history(runtime)
    with db.transaction() as session:
        last = session.scalar(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        # Written past the application (no chain position), and one forged at the next position.
        session.execute(sa.insert(AuditEvent).values(instance_id=last.instance_id, at=last.at, action="complete",
                                                     details={"data": {"伪造": True}}))
        session.execute(sa.insert(AuditEvent).values(instance_id=last.instance_id, at=last.at, action="complete",
                                                     details={}, seq=last.seq + 1, prev_hash=last.hash, hash="0" * 64))
    found = problems(db)
    assert (last.seq + 1, "内容与哈希不符（事件被修改）") in found
    assert (None, "不在链中（被直接插入的事件）") in found


def test_concurrent_actions_keep_one_unbroken_chain(db, runtime):
    some_history(runtime, 1)
    errors = []

    def act(i):
        try:
            some_history(Runtime(db), 2)
        except Exception as exc:  # noqa: BLE001  (collected and reported below)
            errors.append(exc)

    threads = [threading.Thread(target=act, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and problems(db) == []


def test_the_command_names_the_broken_position(env):
    assert run(env, "init", "--demo").returncode == 0
    ok = run(env, "audit", "verify")
    assert ok.returncode == 0 and "审计链完整" in ok.stdout
    from engine.storage.database import Database
    db = Database(env["DATABASE_URL"])
    with db.transaction() as session:
        session.execute(sa.text("UPDATE audit_events SET action = 'forged' WHERE seq = 2"))  # past the app
    db.dispose()
    broken = run(env, "audit", "verify")
    assert broken.returncode == 1 and "第 2 条" in broken.stderr and "被修改" in broken.stderr

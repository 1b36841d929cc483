"""R21 inquiry and interpellation: a plenary member's written question is answered in time or flagged, an
interpellation stands only with co-signers and is heard at a standing-committee meeting, and the asker rates."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.committee.calendar_days import load_calendar
from engine.errors import FormInvalid
from engine.models import AuditEvent, HumanTask, Instance, Timer, Topic
from engine.runtime.service import Runtime
from engine.runtime.task_rows import open_tasks
from tests.meeting_helpers import hold_meeting

QUESTION = "老旧小区改造项目已决定半年，为何至今仍有 5 个小区未开工？请说明原因和下一步安排。"
ANSWER = "5 个小区因管线迁改审批延误未开工，已协调于下月底前全部开工，进度每月报告。"


def _open(db, instance_id) -> list[tuple[str, str | None]]:
    with db.reader() as session:
        return [(t.element_id, t.assignee.username if t.assignee else None) for t in open_tasks(session, instance_id)]


def _task(db, instance_id, element: str, holder: str) -> int:
    with db.reader() as session:
        return next(t.id for t in open_tasks(session, instance_id)
                    if t.element_id == element and t.assignee and t.assignee.username == holder)


def _flags(db, instance_id) -> list[tuple[str, str]]:
    with db.reader() as session:
        return sorted(session.execute(sa.text(
            "select u.username, n.title from notifications n join users u on u.id = n.user_id "
            "where n.instance_id = :i and n.kind = 'flag'"), {"i": instance_id}).all())


def _asked(runtime, db, kind: str, cosigners: list[str] | None = None, title: str = "关于老旧小区改造进度的询问") -> int:
    matter = runtime.start("inquiry", title, {}, "qianwy").instance_id
    data = {"inquiry_kind": kind, "addressee": "zhoucw", "question": QUESTION}
    runtime.complete(_task(db, matter, "write_inquiry", "qianwy"), data | ({"cosigners": cosigners} if cosigners else {}),
                     "qianwy")
    return matter


def test_R21_an_inquiry_answered_late_is_flagged_to_the_discipline_commission_and_rated(db, runtime):
    """The member asked answers within 10 working days; a late answer is flagged to 纪委; the asker rates it."""
    matter = _asked(runtime, db, "询问")
    assert _open(db, matter) == [("answer", "zhoucw")]
    with db.reader() as session:
        answer = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == matter,
                                                            HumanTask.element_id == "answer")).one()
        expected = load_calendar(session).add_working_days(answer.created_at, 10)
        assert abs((answer.due_at - expected).total_seconds()) < 2
        deadline = session.scalars(sa.select(Timer).where(Timer.instance_id == matter)).one()
        assert deadline.element_id == "answer_deadline" and abs((deadline.due_at - expected).total_seconds()) < 2
        late = answer.due_at + timedelta(hours=3)
    Runtime(db, clock=lambda: late).complete(answer.id, {"answer_text": ANSWER}, "zhoucw")
    assert _flags(db, matter) == [("jiwei", "询问答复逾期：关于老旧小区改造进度的询问")]
    assert _open(db, matter) == [("rate", "qianwy")]
    with pytest.raises(FormInvalid) as refused:  # only the three ratings exist
        runtime.complete(_task(db, matter, "rate", "qianwy"), {"answer_rating": "很好"}, "qianwy")
    assert set(refused.value.errors) == {"answer_rating"}
    runtime.complete(_task(db, matter, "rate", "qianwy"), {"answer_rating": "不满意", "rating_note": "答复未说明责任。"},
                     "qianwy")
    with db.reader() as session:
        assert session.get(Instance, matter).status == "completed"
        rated = session.scalars(sa.select(AuditEvent).where(AuditEvent.instance_id == matter,
                                                            AuditEvent.element_id == "rate")).one()
        assert rated.actor.username == "qianwy" and rated.details["data"]["answer_rating"] == "不满意"


def test_R21_an_inquiry_answered_in_time_is_not_flagged(db, runtime):
    """An answer before its due time raises no flag, and the deadline's timer is cancelled."""
    matter = _asked(runtime, db, "询问")
    runtime.complete(_task(db, matter, "answer", "zhoucw"), {"answer_text": ANSWER}, "zhoucw")
    assert _flags(db, matter) == [] and _open(db, matter) == [("rate", "qianwy")]
    with db.reader() as session:
        assert session.scalars(sa.select(Timer.state).where(Timer.instance_id == matter)).one() == "cancelled"


def test_R21_an_interpellation_stands_only_with_two_cosigners(db, runtime):
    """质询 names at least two co-signers; with fewer than two backing it the interpellation does not stand."""
    matter = runtime.start("inquiry", "关于河道整治资金使用的质询", {}, "qianwy").instance_id
    with pytest.raises(FormInvalid) as refused:
        runtime.complete(_task(db, matter, "write_inquiry", "qianwy"),
                         {"inquiry_kind": "质询", "addressee": "zhoucw", "question": QUESTION, "cosigners": ["kongwy"]},
                         "qianwy")
    assert set(refused.value.errors) == {"cosigners"}
    runtime.complete(_task(db, matter, "write_inquiry", "qianwy"),
                     {"inquiry_kind": "质询", "addressee": "zhoucw", "question": QUESTION,
                      "cosigners": ["kongwy", "caowy"]}, "qianwy")
    assert sorted(_open(db, matter)) == [("cosign", "caowy"), ("cosign", "kongwy")]
    runtime.complete(_task(db, matter, "cosign", "kongwy"), {"back": True}, "kongwy")
    runtime.complete(_task(db, matter, "cosign", "caowy"), {"back": False, "cosign_remarks": "情况已清楚。"}, "caowy")
    with db.reader() as session:
        instance = session.get(Instance, matter)
        assert instance.status == "completed" and instance.chart_state["elements"]["end_not_enough"] == "completed"
        assert session.scalars(sa.select(Topic).where(Topic.instance_id == matter)).all() == []


def test_R21_an_interpellation_is_heard_at_a_meeting_then_answered(app, api, db, runtime, database_url):
    """Backed by two members, the interpellation becomes the standing committee's topic with the member asked in
    charge (so R5 needs them present); after the meeting that member answers in writing."""
    matter = _asked(runtime, db, "质询", ["kongwy", "caowy"], title="关于河道整治资金使用的质询")
    for cosigner in ("kongwy", "caowy"):
        runtime.complete(_task(db, matter, "cosign", cosigner), {"back": True}, cosigner)
    with db.reader() as session:
        topic = session.scalars(sa.select(Topic).where(Topic.instance_id == matter)).one()
        assert (topic.body, topic.kind, topic.member_in_charge.username) == ("常委会", "interpellation", "zhoucw")
        topic_id = topic.id
    assert api.instance(matter)["waiting_for"][0]["topic_kind"] == "质询"
    hold_meeting(api, database_url, [topic_id])
    assert _open(db, matter) == [("answer", "zhoucw")]
    with db.reader() as session:
        told = session.execute(sa.text("select u.username from notifications n join users u on u.id = n.user_id "
                                       "where n.instance_id = :i and n.kind = 'task'"), {"i": matter}).scalars().all()
    assert "zhoucw" in told  # the member asked is told of the task to answer

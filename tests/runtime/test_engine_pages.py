"""The engine decides what the task page shows and to whom; the web layer only renders what it is given."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound
from engine.pages.task_page import TaskPages


@pytest.fixture
def first_step(runtime):
    started = runtime.start("major_decision", "任务页由引擎读取", {}, "bangong")
    return started.instance_id, started.new_tasks[0]


def test_the_holder_gets_the_form_and_the_hand_overs_an_outsider_gets_nothing(runtime, first_step):
    instance_id, task_id = first_step
    page = TaskPages(runtime).show(task_id, "bangong")
    assert page.task["id"] == task_id and page.matter["id"] == instance_id
    assert page.schema["type"] == "object"
    assert ("bangong2", "吴秘书（办公室）") in page.colleagues and all(u != "bangong" for u, _ in page.colleagues)
    assert page.signers and all(u != "bangong" for u, _ in page.signers)
    with pytest.raises(Forbidden):  # open, and not theirs to do
        TaskPages(runtime).show(task_id, "daibiao")
    with pytest.raises(NotFound):
        TaskPages(runtime).show(987654, "bangong")


def test_after_completion_the_next_own_step_is_found_and_the_matter_named_only_to_its_readers(runtime, first_step):
    from engine.ops.demo import ANSWERS
    instance_id, task_id = first_step
    pages = TaskPages(runtime)
    outcome = runtime.complete(task_id, ANSWERS[runtime_element(runtime, task_id)], "bangong")
    assert pages.next_own(outcome.new_tasks, "daibiao") is None  # nothing of theirs came next
    assert pages.matter_of(task_id, "bangong") == instance_id
    with pytest.raises(NotFound):  # a closed step of a matter they may not read does not exist for them
        pages.matter_of(task_id, "daibiao")


def runtime_element(runtime, task_id: int) -> str:
    with runtime.db.reader() as session:
        from engine.models import HumanTask
        return session.get(HumanTask, task_id).element_id


def test_the_matter_page_and_its_api_are_read_for_a_named_user_and_hidden_from_others(app, runtime, first_step):
    from engine.pages.matter_page import MatterPages
    instance_id, task_id = first_step
    pages = MatterPages(runtime.db, app.extensions["powerflow"].charts)
    shown = pages.show(instance_id, "bangong")
    assert shown.matter["id"] == instance_id and shown.following is False
    assert shown.can_copy and ("bangong2", "吴秘书（办公室）") in shown.people  # the starter takes part
    described = pages.describe(instance_id, "bangong")
    assert described["id"] == instance_id and "waiting_for" in described  # the API's matter
    assert pages.live_svg(instance_id, "bangong").lstrip().startswith(("<svg", "<?xml"))
    for read in (pages.show, pages.describe, pages.live_svg):
        with pytest.raises(NotFound):  # an outsider is told the matter does not exist
            read(instance_id, "daibiao")
    with pytest.raises(NotFound):  # not a meeting: no ballot box
        pages.ballots(instance_id, "bangong")


def test_hand_over_is_one_engine_action_and_the_lists_follow_the_task(runtime, first_step):
    from engine.errors import FormInvalid
    from engine.runtime.hand_over import HandOver
    from engine.pages.lists import Lists
    instance_id, task_id = first_step
    lists, hand_over = Lists(runtime.db), HandOver(runtime.db)
    assert [t["id"] for t in lists.inbox("bangong", None, 50, 0)] == [task_id]  # the starter files it
    assert lists.inbox("bangong2", None, 50, 0) == []
    with pytest.raises(FormInvalid) as refused:
        hand_over.reassign(task_id, "bangong", "bangong2", "")  # a reason is required; nothing changes
    assert "reason" in refused.value.errors
    passed = hand_over.reassign(task_id, "bangong", "bangong2", "请你办理")
    assert passed.holder_name == "吴秘书（办公室）" and passed.task["instance_id"] == instance_id
    assert lists.inbox("bangong", None, 50, 0) == [] and lists.inbox_count("bangong2") == 1
    assert [t["id"] for t in lists.inbox("bangong2", None, 50, 0)] == [task_id]
    assert [m["id"] for m in lists.page("mine", "bangong", None, 10, 1).rows] == [instance_id]
    assert hand_over.copy(instance_id, "bangong", ["jiandu"], "请知悉") == ["jiandu"]
    assert [m["instance_id"] for m in lists.copied("jiandu", None, 10, 0)] == [instance_id]


def test_comments_following_and_notifications_are_engine_calls_for_a_named_user(app, runtime, first_step):
    from engine.collaboration.discussion import Discussion
    from engine.errors import FormInvalid
    from engine.collaboration.notification_center import NotificationCenter
    instance_id, task_id = first_step
    discussion = Discussion(runtime.db, app.extensions["powerflow"].attachments)
    added = discussion.add(instance_id, "bangong", "附上调研提纲", [("提纲.txt", "第一部分".encode())])
    assert [c["body"] for c in discussion.comments(instance_id, "bangong")] == ["附上调研提纲"]
    download = discussion.attachment(instance_id, added["attachments"][0]["id"], "bangong")
    assert (download.filename, download.data) == ("提纲.txt", "第一部分".encode())
    with pytest.raises(NotFound):  # outsiders do not read the deliberation (R15)
        discussion.comments(instance_id, "daibiao")
    assert discussion.follow(instance_id, "jiandu", True) is True
    center = NotificationCenter(runtime.db)
    runtime.urge(task_id, "jiandu")  # an auditor urges; the holder hears of it
    unread = center.unread("bangong")
    told = center.open_all("bangong")
    assert unread >= 1 and told[0].kind == "urge" and told[0].task_id == task_id and not told[0].read
    assert center.unread("bangong") == 0 and all(n.read for n in center.recent("bangong"))
    with pytest.raises(FormInvalid):
        center.save("bangong", {}, "not an address")
    saved = center.save("bangong", {"urge": {"email": False}}, "bangong@example.org")
    assert saved.email == "bangong@example.org" and saved.chosen["urge"] == {"in_app": True, "email": False}


def test_the_catalog_and_a_start_from_its_form_happen_once_per_form(app, runtime):
    from engine.pages.matter_page import MatterPages
    from engine.pages.process_page import ProcessPages
    charts = app.extensions["powerflow"].charts
    pages = ProcessPages(runtime, charts)
    catalog = {p["key"]: p["can_start"] for p in pages.catalog("bangong")}
    assert catalog["major_decision"] is True and catalog == {p["key"]: p["can_start"] for p in pages.catalog("bangong")}
    assert {p["key"]: p["can_start"] for p in pages.catalog("daibiao")}["major_decision"] is False
    process, allowed = pages.start_form("major_decision", "bangong")
    assert process["key"] == "major_decision" and allowed
    first = pages.start_once("major_decision", "一次表单只发起一件", "bangong", "token-of-one-form-0001")
    again = pages.start_once("major_decision", "一次表单只发起一件", "bangong", "token-of-one-form-0001")
    assert first.created and not again.created and again.instance_id == first.instance_id
    assert first.first_task is not None and again.first_task == first.first_task
    assert 'id="major_decision"' in pages.drawing("major_decision")  # the BPMN as deployed
    matters = MatterPages(runtime.db, charts)
    states = matters.states(first.instance_id, "bangong")
    assert "bangong" not in str(states["holders"]) and list(states["holders"].values()) == ["孙主任（办公室）"]
    assert matters.drawing(first.instance_id, "bangong") == pages.drawing("major_decision")
    with pytest.raises(NotFound):
        matters.states(first.instance_id, "daibiao")


def test_only_auditors_read_the_oversight_pages_and_the_engine_says_so(app, runtime, first_step):
    from datetime import datetime, timezone
    from engine.oversight.dashboard import MatterFilter
    from engine.oversight.service import Oversight
    oversight = Oversight(runtime.db, app.extensions["powerflow"].charts)
    everything = MatterFilter.from_args({})
    found = oversight.matters("jiwei", everything, 10, 0)
    assert found.total == 1 and found.rows[0]["id"] == first_step[0] and "status" in found.choices
    assert len(oversight.export("jiandu", everything, 100)) == 1
    heat = oversight.heat("jiwei", "major_decision", lambda h: f"{h.open_matters}")
    assert heat.name and heat.svg.lstrip().startswith(("<svg", "<?xml")) and heat.steps[0].open_matters == 1
    assert sum(oversight.statistics("jiwei", datetime.now(timezone.utc)).opened) == 1
    for read in (lambda: oversight.matters("bangong", everything, 10, 0), lambda: oversight.export("shuji", everything, 1),
                 lambda: oversight.statistics("bangong", datetime.now(timezone.utc))):
        with pytest.raises(Forbidden) as refused:
            read()
        assert refused.value.code == "access.auditors_only"


def test_design_work_is_refused_to_non_designers_before_anything_is_read(app, runtime):
    from engine.process.design_studio import DesignStudio
    studio = DesignStudio(runtime.db, app.extensions["powerflow"].processes_dir)
    for work in (lambda: studio.check("bangong", {"bpmn_xml": "<not xml", "filename": "x.bpmn"}),
                 lambda: studio.deploy("shuji", {}), lambda: studio.editor("bangong", None),
                 lambda: studio.rollback("jiwei", "major_decision", 1)):
        with pytest.raises(Forbidden) as refused:
            work()
        assert refused.value.code == "design.designers_only"
    editor = studio.editor("sheji", "major_decision")
    assert 'id="major_decision"' in editor.xml and editor.history[0]["version"] == 1 and editor.older == []
    assert "办公室" in editor.roles and editor.roles == sorted(editor.roles)
    assert studio.table(studio.tables()[0]).lstrip().startswith("<")
    with pytest.raises(NotFound):
        studio.table("../secret.dmn")


def test_signing_out_everywhere_is_for_oneself_and_ending_anothers_sessions_for_an_administrator(runtime):
    from engine.directory.logins import revoke_sessions_of, sign_out_everywhere
    from engine.models import User
    import sqlalchemy as sa

    def generation(name: str) -> int:
        with runtime.db.reader() as session:
            return session.scalar(sa.select(User.token_generation).where(User.username == name))
    before = generation("bangong")
    sign_out_everywhere(runtime.db, "bangong")
    revoke_sessions_of(runtime.db, "admin", "bangong")
    assert generation("bangong") == before + 2
    for actor in ("jiwei", "bangong"):  # not an administrator: not even for their own name by this way
        with pytest.raises(Forbidden) as refused:
            revoke_sessions_of(runtime.db, actor, "bangong")
        assert refused.value.code == "user.revoke_admin_only"
    assert generation("bangong") == before + 2

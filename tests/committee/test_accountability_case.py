"""R21 accountability cases: from a step finished late to a published decision and the official's statement, linked
to the matter, whose page shows the case to those allowed to read it."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine.clock import utcnow
from engine.models import CaseLink, HumanTask, Publication
from engine.oversight.ledger import Ledger
from engine.runtime.service import Runtime
from tests.conftest import AuthActions
from tests.meeting_helpers import MATTER, drive

OPEN = {"source": "问责台账", "subject_kind": "事项和当事人", "official": "zhoucw",
        "allegation": "分管常委对议题的同意意见逾期 3 天才作出，致使议题未能按期上会。"}
DECIDE = {"case_outcome": "通报批评", "decision_text": "经查，周常委同意意见逾期，影响决策进度，予以通报批评。"}
PUBLISH = {"publication_text": "关于周常委议题办理逾期问题的通报：经纪委调查核实，予以通报批评。", "publication_days": 5,
           "channel": "党内通报"}


def _late_matter(app, api) -> int:
    """A major decision whose member in charge consented after the step's due time."""
    db = app.extensions["powerflow"].db
    matter = api.start("关于城区停车设施建设的决策")
    drive(api, matter, MATTER, stop_at="consent_topic")
    with db.reader() as session:
        consent = session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == matter,
                                                             HumanTask.element_id == "consent_topic")).one()
        late = consent.due_at + timedelta(days=3)
    Runtime(db, clock=lambda: late).complete(consent.id, MATTER["consent_topic"], "zhoucw")
    return matter


def _task(api, case: int, as_user: str = "jiwei") -> dict:
    [task] = api.instance(case, as_user)["current_tasks"]
    return task


def test_R21_a_case_from_a_late_step_to_a_published_decision_and_the_officials_statement(app, api):
    """纪委 opens a case on the late matter and its official, investigates, decides 通报批评, which the office
    publishes (R16); the official then states in writing; the matter's page shows the case to those allowed."""
    matter = _late_matter(app, api)
    started = api.post("/processes/accountability_case/instances", "jiwei", {"title": "周常委议题办理逾期问责", "data": {}})
    assert started.status_code == 201, started.get_json()
    case = started.get_json()["id"]
    assert api.post("/processes/accountability_case/instances", "bangong", {"title": "越权", "data": {}}).status_code == 403

    opening = _task(api, case)
    refused = api.complete(opening["id"], "jiwei", {**OPEN, "related_matter": "99999"})
    assert refused.status_code == 422 and set(refused.get_json()["fields"]) == {"related_matter"}  # no such matter
    refused = api.complete(opening["id"], "jiwei", {**OPEN, "related_matter": str(matter), "official": "nobody"})
    assert refused.status_code == 422 and "official" in refused.get_json()["fields"]
    refused = api.complete(opening["id"], "jiwei", {key: v for key, v in OPEN.items() if key != "official"}
                           | {"related_matter": str(matter)})
    assert refused.status_code == 422 and "official" in refused.get_json()["fields"]  # both named, so both needed
    steps = drive(api, case, {"open_case": {**OPEN, "related_matter": str(matter)},
                              "investigate": {"findings": "议题于到期后第3天才获同意，有审批记录为证。"},
                              "decide": DECIDE, "publish": PUBLISH,
                              "statement": {"statement": "接受通报批评，今后按期办理。", "corrective_measures": "建立提醒机制。"}})
    assert steps == [("open_case", "jiwei"), ("investigate", "jiwei"), ("decide", "jiwei"), ("publish", "bangong"),
                     ("statement", "zhoucw")]
    record = api.instance(case, "jiwei")
    assert record["status"] == "completed"
    assert any(e["element_id"] == "end_stated" for e in record["history"])

    db = app.extensions["powerflow"].db
    with db.reader() as session:
        link = session.scalars(sa.select(CaseLink).where(CaseLink.case_id == case)).one()
        assert (link.matter_id, link.official.username) == (matter, "zhoucw")
        publication = session.scalars(sa.select(Publication).where(Publication.instance_id == case)).one()
        assert publication.text == PUBLISH["publication_text"] and publication.period_days == 5

    copied = api.post(f"/instances/{matter}/copies", "bangong", {"to": ["wangcw"], "note": "请阅。"})
    assert copied.status_code == 201  # 王常委 may now read the matter, but takes no part in the case
    client = app.test_client()
    auth = AuthActions(client)
    for reader, sees in (("jiwei", True), ("zhoucw", True), ("jiandu", True), ("bangong", True), ("wangcw", False),
                         ("bangong2", False)):
        auth.login(reader)
        page = client.get(f"/matters/{matter}")
        if page.status_code == 200 or reader == "wangcw":
            html = page.get_data(as_text=True)
            assert ("周常委议题办理逾期问责" in html) == sees, reader
            if sees:
                assert 'id="cases"' in html and "通报批评" in html
        else:
            assert not sees and page.status_code == 404, reader
        auth.logout()


def test_R21_no_fault_is_neither_published_nor_answered(app, api):
    """A case closed with 不予问责 publishes nothing and asks no statement of the official."""
    matter = _late_matter(app, api)
    case = api.post("/processes/accountability_case/instances", "jiwei",
                    {"title": "周常委议题逾期核查", "data": {}}).get_json()["id"]
    steps = drive(api, case, {"open_case": {**OPEN, "subject_kind": "事项", "related_matter": str(matter)},
                              "investigate": {"findings": "逾期系因材料补正，非当事人原因。"},
                              "decide": {"case_outcome": "不予问责", "decision_text": "经查逾期系客观原因，不予问责。"}})
    assert [e for e, _ in steps] == ["open_case", "investigate", "decide"]
    with app.extensions["powerflow"].db.reader() as session:
        assert session.scalars(sa.select(Publication).where(Publication.instance_id == case)).all() == []
        link = session.scalars(sa.select(CaseLink).where(CaseLink.case_id == case)).one()
        assert (link.matter_id, link.official_id) == (matter, None)
    assert api.instance(case, "jiwei")["status"] == "completed"


def test_R21_only_an_accountability_case_links_matters_and_officials(app, api):
    """A diagram that is no accountability case calls link_case: it stops in error, naming the rule, and no link
    appears beside the other matter."""
    from tests.bpmn.test_sandbox import deploy
    matter = _late_matter(app, api)
    assert deploy(api, f"link_id = link_case({matter}, 'zhoucw')").status_code == 201
    started = api.post("/processes/design_demo/instances", "bangong", {"title": "越界关联", "data": {}})
    assert started.status_code == 201
    record = api.instance(started.get_json()["id"])
    assert record["status"] == "error" and "R21" in record["error"] and "accountability_case" in record["error"]
    with app.extensions["powerflow"].db.reader() as session:
        assert session.scalars(sa.select(CaseLink)).all() == []


def test_R21_a_case_may_name_an_official_outside_the_standing_committee(app, api):
    """A department head who handled a letter late is accountable too: named from the list of officials, they
    state in writing themselves, and the case stands in their own ledger entry."""
    case = api.post("/processes/accountability_case/instances", "jiwei",
                    {"title": "职能部门来信办理逾期问责", "data": {}}).get_json()["id"]
    opening = api.instance(case, "jiwei")["current_tasks"][0]
    offered = api.get(f"/tasks/{opening['id']}", "jiwei").get_json()["form"]["properties"]["official"]["enum"]
    assert {"bumen", "zhoucw", "zuzhi", "qianwy"} <= set(offered)  # department heads and members alike
    steps = drive(api, case, {"open_case": {"source": "群众来信", "subject_kind": "当事人", "official": "bumen",
                                            "allegation": "群众来信交办后逾期两周未办理，群众多次反映。"},
                              "investigate": {"findings": "交办后未安排专人办理，逾期两周。"},
                              "decide": {"case_outcome": "诫勉", "decision_text": "经查来信办理逾期属实，对何局长予以诫勉。"},
                              "statement": {"statement": "接受诫勉，已安排专人办理来信。"}})
    assert [e for e, _ in steps] == ["open_case", "investigate", "decide", "statement"]
    assert steps[-1] == ("statement", "bumen")
    entry = Ledger(app.extensions["powerflow"].db).official("jiwei", "bumen", None, utcnow()).officials[0]
    assert [(c.matter_id, c.outcome, c.body) for c in entry.records.cases] == [(case, "诫勉", "职能部门")]

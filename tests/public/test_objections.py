"""R16 objections: while a publication's period runs anyone may object from its public page; the office and the
publisher are told and read it on the matter page; after the period the objection is refused with the rule named."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.clock import utcnow
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, Notification, Objection, Publication, User
from engine.public.portal import Portal
from engine.status import AuditAction
from tests.conftest import AuthActions, csrf_token
from tests.meeting_helpers import MATTER, decided_matter, drive

TITLE = "关于城区老旧小区改造的决策"
OBJECTION = "改造名单中的第三小区已于去年完成改造，重复列入，请核实。"


def _form(page: str) -> dict:
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token, "the objection form has no one-time token"
    return {"csrf_token": csrf_token(page), "form_token": token.group(1)}


@pytest.fixture
def published(app, api, database_url) -> int:
    matter, _topic, _decision = decided_matter(app, api, database_url, TITLE)
    assert drive(api, matter, MATTER) == [("publish", "bangong")]
    return matter


def _objections(db, matter: int) -> list[Objection]:
    with db.reader() as session:
        return list(session.scalars(sa.select(Objection).where(Objection.instance_id == matter)))


def test_R16_the_public_objects_during_the_period_and_the_office_reads_it(app, api, published):
    db, client = app.extensions["powerflow"].db, app.test_client()
    page = client.get(f"/public/decisions/{published}").get_data(as_text=True)
    assert "对公示提出异议" in page and 'name="text"' in page
    fields = _form(page)
    short = client.post(f"/public/decisions/{published}/objections",
                        data={**fields, "text": "有问题", "writer": "李某", "contact": "139****1111"})
    assert short.status_code == 422
    refused = short.get_data(as_text=True)
    assert "请写明异议的事实和理由（至少 10 个字）" in refused and "139****1111" in refused  # nothing typed is lost
    assert _objections(db, published) == []
    sent = client.post(f"/public/decisions/{published}/objections",
                       data={**fields, "text": OBJECTION, "writer": "李某", "contact": "139****1111"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("objected=1#objection")
    assert "已收到您的异议" in client.get(sent.headers["Location"]).get_data(as_text=True)
    again = client.post(f"/public/decisions/{published}/objections",  # a double click: the same form's token
                        data={**fields, "text": OBJECTION, "writer": "李某", "contact": "139****1111"})
    assert again.status_code == 302
    [objection] = _objections(db, published)
    assert (objection.text, objection.writer, objection.contact) == (OBJECTION, "李某", "139****1111")
    with db.reader() as session:
        told = set(session.scalars(sa.select(User.username).join(Notification, Notification.user_id == User.id).where(
            Notification.instance_id == published, Notification.title == f"公示异议：{TITLE}")))
        trail = session.scalars(sa.select(AuditEvent).where(AuditEvent.instance_id == published,
                                                            AuditEvent.action == AuditAction.OBJECTION)).all()
    assert "bangong" in told  # the office, who published it
    assert [e.details for e in trail] == [{"objection": objection.id}]  # the trail never names the writer
    auth = AuthActions(client)
    auth.login("bangong")
    matter_page = client.get(f"/matters/{published}").get_data(as_text=True)
    assert 'id="objections"' in matter_page and OBJECTION in matter_page and "139****1111" in matter_page
    listed = api.get(f"/instances/{published}/objections", "jiwei")  # the API, for the commission and auditors
    assert listed.status_code == 200
    assert [(o["text"], o["writer"], o["contact"]) for o in listed.get_json()] == [(OBJECTION, "李某", "139****1111")]
    assert api.get(f"/instances/{published + 1000}/objections", "jiwei").status_code == 404


def test_R16_an_objection_after_the_period_is_refused_and_changes_nothing(app, published):
    db, client = app.extensions["powerflow"].db, app.test_client()
    with db.transaction() as session:
        publication = session.scalars(sa.select(Publication).where(Publication.instance_id == published)).one()
        ended = publication.objections_until
    portal = Portal(db, app.extensions["powerflow"].charts)
    with pytest.raises(Conflict) as closed:
        portal.object_to(published, "", "", OBJECTION, ended)  # the moment the period ends
    assert closed.value.code == "objection.period_over"
    assert portal.object_to(published, "", "", OBJECTION, ended - timedelta(minutes=1)) > 0  # a minute before: taken
    with pytest.raises(NotFound):
        portal.object_to(published + 1000, "", "", OBJECTION, ended - timedelta(days=1))
    with db.transaction() as session:  # the period ended yesterday
        session.execute(sa.update(Publication).where(Publication.instance_id == published)
                        .values(objections_until=utcnow() - timedelta(days=1)))
    page = client.get(f"/public/decisions/{published}").get_data(as_text=True)
    assert "公示期已结束，不再受理异议。" in page and 'name="text"' not in page
    token = csrf_token(client.get("/public/mailbox").get_data(as_text=True))  # a form sent before the period ended
    late = client.post(f"/public/decisions/{published}/objections", data={"csrf_token": token, "text": OBJECTION + "（补充）"})
    assert late.status_code == 409 and "R16：公示期已于" in late.get_data(as_text=True)
    assert [o.text for o in _objections(db, published)] == [OBJECTION]
    assert client.post(f"/public/decisions/{published + 1000}/objections",
                       data={"csrf_token": token, "text": OBJECTION}).status_code == 404

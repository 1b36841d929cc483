"""Designers' diagrams through the API: validation naming elements, unsafe uploads, roles, versions,
migration of running matters and rollback."""
from __future__ import annotations

from pathlib import Path

import pytest

XML = (Path(__file__).parent.parent / "data" / "design_demo.bpmn").read_text(encoding="utf-8")
FORMS = {
    "dd_fill.schema.json": {"type": "object", "title": "填报", "required": ["content"],
                            "properties": {"content": {"type": "string", "title": "内容", "minLength": 2}}},
    "dd_review.schema.json": {"type": "object", "title": "审核", "required": ["approved"],
                              "properties": {"approved": {"type": "boolean", "title": "同意"}}},
}


def design(api, xml=XML, forms=None, user="sheji", path="/designs"):
    return api.post(path, user, {"bpmn_xml": xml, "forms": FORMS if forms is None else forms})


def versions(api, key="design_demo"):
    return api.get(f"/processes/{key}/versions", "sheji").get_json()


def test_a_designed_process_is_deployed_and_runs(api):
    assert design(api, path="/designs/validate").get_json() == {"ok": True, "processes": ["design_demo"]}
    deployed = design(api)
    assert deployed.status_code == 201 and deployed.get_json()["deployed"][0]["status"] == "new"
    started = api.post("/processes/design_demo/instances", "bangong", {"title": "第一件", "data": {}})
    assert started.status_code == 201
    task = api.instance(started.get_json()["id"])["current_tasks"][0]
    assert task["element_id"] == "fill"
    assert api.complete(task["id"], "bangong", {"content": "已填报。"}).status_code == 200
    history = versions(api)
    assert history[0]["version"] == 1 and history[0]["deployed_by"] == "sheji"
    assert {"start", "fill", "review", "end", "f1"} <= set(history[0]["changes"]["added"])


@pytest.mark.parametrize("change, element, words", [
    (('value="dd_review.schema.json"', 'value="missing.schema.json"'), "review", "missing.schema.json"),
    (('name="办公室"', 'name="不存在的角色"'), "lane_office", "不存在的角色"),
    (('<bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="review" />', ''), "review", ""),
])
def test_an_invalid_diagram_is_refused_naming_its_element(api, change, element, words):
    response = design(api, XML.replace(*change))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert element in errors and words in errors[element]
    assert api.get("/processes", "sheji").get_json() and "design_demo" not in [
        p["key"] for p in api.get("/processes", "sheji").get_json()]


def test_a_script_the_restricted_engine_refuses_is_rejected_at_save(api):
    xml = XML.replace('<bpmn:userTask id="review"', '<bpmn:scriptTask id="sneaky" name="脚本"><bpmn:script>'
                      'import os</bpmn:script></bpmn:scriptTask><bpmn:userTask id="review"')
    response = design(api, xml)
    assert response.status_code == 422 and "sneaky" in response.get_json()["errors"]


def test_bad_forms_are_refused_naming_the_file(api):
    response = design(api, forms={**FORMS, "dd_fill.schema.json": {"type": "object", "properties": {"a": {"type": 7}}}})
    assert response.status_code == 422 and "forms/dd_fill.schema.json" in response.get_json()["errors"]


def test_xxe_and_billion_laughs_uploads_are_refused(api):
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + XML.split("?>", 1)[1]
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>' + XML.split("?>", 1)[1].replace("设计示例", "&c;"))
    for xml in (xxe, laughs):
        response = design(api, xml)
        assert response.status_code == 422
        assert "DOCTYPE" in " ".join(response.get_json()["errors"].values())
        assert "root:" not in response.get_data(as_text=True)
    too_big = design(api, XML.replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "--></bpmn:definitions>"))
    assert too_big.status_code == 413


def test_only_designers_may_validate_deploy_or_roll_back(api):
    for path in ("/designs/validate", "/designs"):
        assert design(api, user="bangong", path=path).status_code == 403
    design(api)
    assert api.post("/processes/design_demo/rollback", "jiwei", {"version": 1}).status_code == 403


def test_matters_migrate_only_when_where_they_stand_is_unchanged(api):
    design(api)
    at_fill = api.post("/processes/design_demo/instances", "bangong", {"title": "停在填报", "data": {}}).get_json()["id"]
    at_review = api.post("/processes/design_demo/instances", "bangong", {"title": "停在审核", "data": {}}).get_json()["id"]
    task = api.instance(at_review)["current_tasks"][0]
    api.complete(task["id"], "bangong", {"content": "已填报。"})
    changed = design(api, XML.replace('name="审核"', 'name="复核"'))
    assert changed.get_json()["deployed"][0] == {"key": "design_demo", "name": "设计示例：两步审批", "version": 2,
                                                 "status": "changed"}
    assert versions(api)[0]["changes"] == {"added": [], "removed": [], "changed": ["review"]}

    moved = api.post(f"/instances/{at_fill}/migrate", "sheji", {"version": 2})
    assert moved.status_code == 200 and moved.get_json()["version"] == 2
    assert api.instance(at_fill)["process"]["version"] == 2
    refused = api.post(f"/instances/{at_review}/migrate", "sheji", {"version": 2})
    assert refused.status_code == 409 and "review" in refused.get_json()["error"]
    assert api.instance(at_review)["process"]["version"] == 1
    assert api.post(f"/instances/{at_fill}/migrate", "bangong", {"version": 1}).status_code == 403
    # The migrated matter goes on along the new version.
    task = api.instance(at_fill)["current_tasks"][0]
    api.complete(task["id"], "bangong", {"content": "已填报。"})
    assert api.instance(at_fill)["current_tasks"][0]["name"] == "复核"


def test_rollback_deploys_an_earlier_version_again(api):
    design(api)
    design(api, XML.replace('name="审核"', 'name="复核"'))
    rolled = api.post("/processes/design_demo/rollback", "sheji", {"version": 1})
    assert rolled.status_code == 201 and rolled.get_json()["version"] == 3
    history = versions(api)
    assert [v["version"] for v in history] == [3, 2, 1] and history[0]["changes"]["changed"] == ["review"]
    started = api.post("/processes/design_demo/instances", "bangong", {"title": "回滚后", "data": {}}).get_json()["id"]
    matter = api.instance(started)
    assert matter["process"]["version"] == 3
    api.complete(matter["current_tasks"][0]["id"], "bangong", {"content": "已填报。"})
    assert api.instance(started)["current_tasks"][0]["name"] == "审核"
    assert api.post("/processes/design_demo/rollback", "sheji", {"version": 9}).status_code == 404


def designer_client(app):
    from tests.conftest import AuthActions, csrf_token
    client = app.test_client()
    AuthActions(client).login("sheji")
    token = csrf_token(client.get("/modeler/dmn/large_fund.dmn").get_data(as_text=True))
    return client, {"X-CSRFToken": token}


def test_an_edited_decision_table_versions_only_the_processes_that_use_it(app, api):
    client, headers = designer_client(app)
    page = client.get("/modeler/dmn/large_fund.dmn").get_data(as_text=True)
    assert "dmn-modeler" in page and "fund_route" in page
    table = (Path(__file__).parents[2] / "processes" / "large_fund.dmn").read_text(encoding="utf-8")
    raised = table.replace("&gt;= 1000", "&gt;= 2000").replace("50 &lt;= ? &lt; 1000", "50 &lt;= ? &lt; 2000")
    response = client.post("/modeler/dmn/large_fund.dmn", json={"xml": raised}, headers=headers)
    assert response.status_code == 201
    assert [(d["key"], d["version"]) for d in response.get_json()["deployed"]] == [("large_fund", 2)]
    assert versions(api, "large_fund")[0]["deployed_by"] == "sheji"
    broken = client.post("/modeler/dmn/large_fund.dmn", json={"xml": table.replace("</definitions>", "")},
                         headers=headers)
    assert broken.status_code == 422 and "large_fund.dmn" in broken.get_data(as_text=True)
    assert versions(api, "large_fund")[0]["version"] == 2


def test_a_non_designer_cannot_open_or_deploy_a_decision_table(app):
    from tests.conftest import AuthActions, csrf_token
    client = app.test_client()
    AuthActions(client).login("bangong")
    assert client.get("/modeler/dmn/large_fund.dmn").status_code == 403
    token = csrf_token(client.get("/public/mailbox").get_data(as_text=True))
    assert client.post("/modeler/dmn/large_fund.dmn", json={"xml": "<x/>"},
                       headers={"X-CSRFToken": token}).status_code == 403


def test_the_modeler_page_rolls_back_and_migrates_with_reasons(app, api):
    from tests.conftest import AuthActions, csrf_token
    design(api)
    at_review = api.post("/processes/design_demo/instances", "bangong", {"title": "停在审核", "data": {}}).get_json()["id"]
    api.complete(api.instance(at_review)["current_tasks"][0]["id"], "bangong", {"content": "已填报。"})
    design(api, XML.replace('name="审核"', 'name="复核"'))
    client = app.test_client()
    AuthActions(client).login("sheji")
    page = client.get("/modeler/edit/design_demo").get_data(as_text=True)
    assert "停在审核" in page and "迁移到第 2 版" in page and "回滚到此版本" in page
    token = csrf_token(page)
    refused = client.post(f"/modeler/migrate/{at_review}", data={"version": 2, "csrf_token": token}, follow_redirects=True)
    assert f"事项 {at_review} 不能迁移" in refused.get_data(as_text=True) and "review" in refused.get_data(as_text=True)
    rolled = client.post("/modeler/edit/design_demo/rollback", data={"version": 1, "csrf_token": token},
                         follow_redirects=True)
    assert "第 1 版的内容发布为第 3 版" in rolled.get_data(as_text=True)
    moved = client.post(f"/modeler/migrate/{at_review}", data={"version": 3, "csrf_token": token}, follow_redirects=True)
    assert f"事项 {at_review} 已迁移到第 3 版" in moved.get_data(as_text=True)
    assert api.instance(at_review)["process"]["version"] == 3


def test_decision_table_uploads_with_entities_or_oversized_are_refused(app, api):
    client, headers = designer_client(app)
    table = (Path(__file__).parents[2] / "processes" / "large_fund.dmn").read_text(encoding="utf-8")
    body = table.split("?>", 1)[1] if table.startswith("<?xml") else table
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>' + body)
    for xml in (xxe, laughs):
        refused = client.post("/modeler/dmn/large_fund.dmn", json={"xml": xml}, headers=headers)
        assert refused.status_code == 422 and "root:" not in refused.get_data(as_text=True)
    huge = client.post("/modeler/dmn/large_fund.dmn", json={"xml": table + "<!--" + "x" * (3 * 1024 * 1024) + "-->"},
                       headers=headers)
    assert huge.status_code == 413
    assert versions(api, "large_fund")[0]["version"] == 1  # nothing was deployed
